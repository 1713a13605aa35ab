import Storage

/// One kind of an account's documents as a write transaction sees them, answered from the snapshot: for the checks
/// and cascades inside a write that would otherwise decode every document of the kind ("does this group still have
/// members?", "which assignments name this user?").
///
/// The snapshot reflects the store at its revision. A document not changed since is as the snapshot holds it; the
/// documents changed since (committed after the snapshot read the change feed, by this process or another, or written
/// earlier in the same transaction) are few, and are read in the transaction.
struct DocumentsInWrite<Value: Decodable & Sendable> {
    let tx: DocumentTransaction
    let kind: String
    /// The snapshot's values, by key.
    let held: SortedMap<Value>
    /// The keys of the documents changed after the snapshot's revision.
    let changed: Set<String>

    /// Those of the keys `indexed` (an index entry of the snapshot) and of the changed documents that satisfy `holds`
    /// now, by key.
    func current(indexed: SortedMap<Bool>?, where holds: (Value) -> Bool) async throws -> [Value] {
        var found: [(key: String, value: Value)] = []
        if let indexed {
            for entry in indexed.entries() where !changed.contains(entry.key) {
                if let value = held[entry.key], holds(value) { found.append((entry.key, value)) }
            }
        }
        return try await withChanged(found, where: holds)
    }

    /// Every document that satisfies `holds` now, by key: the snapshot's values are read in memory, not decoded.
    func current(where holds: (Value) -> Bool) async throws -> [Value] {
        var found: [(key: String, value: Value)] = []
        for (key, value) in held.entries() where !changed.contains(key) && holds(value) { found.append((key, value)) }
        return try await withChanged(found, where: holds)
    }

    /// How many documents satisfy `holds` now, from `count` (how many did in the snapshot): each changed document
    /// counts as it is now instead of as it was.
    func count(from count: Int, where holds: (Value) -> Bool) async throws -> Int {
        var count = count
        for key in changed {
            if let value = try await tx.get(Value.self, kind: kind, key), holds(value) { count += 1 }
            if let value = held[key], holds(value) { count -= 1 }
        }
        return count
    }

    private func withChanged(_ found: [(key: String, value: Value)], where holds: (Value) -> Bool) async throws -> [Value] {
        var found = found
        for key in changed {
            if let value = try await tx.get(Value.self, kind: kind, key), holds(value) { found.append((key, value)) }
        }
        return found.sorted { $0.key < $1.key }.map(\.value)
    }
}

extension Directory {
    /// The documents of `kind` in `tx`'s account as `tx` sees them, over the snapshot's values `held` as of `revision`.
    func documentsInWrite<Value: Decodable & Sendable>(
        _ tx: DocumentTransaction, _ kind: some DocumentKind, held: SortedMap<Value>, revision: Int64
    ) async throws -> DocumentsInWrite<Value> {
        let changed = try await tx.session.documentKeysChanged(after: revision, accountId: tx.accountId, kind: kind.rawValue)
        return DocumentsInWrite(tx: tx, kind: kind.rawValue, held: held, changed: changed)
    }
}
