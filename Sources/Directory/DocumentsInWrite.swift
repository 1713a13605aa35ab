import Storage

/// One kind of an account's documents as a write transaction sees them, answered from the snapshot: for the checks
/// and cascades inside a write that would otherwise decode every document of the kind ("does this group still have
/// members?", "which assignments name this user?").
///
/// The snapshot reflects the store at its revision. A document not changed since is as the snapshot holds it; the
/// documents changed since (committed after the snapshot read the change feed, by this process or another, or written
/// earlier in the same transaction) are few, and are read in the transaction, as are those the snapshot could not read.
struct DocumentsInWrite<Value: Decodable & Sendable> {
    let tx: DocumentTransaction
    let kind: String
    /// The snapshot's values, by key.
    let held: SortedMap<Value>
    /// The keys of the documents changed after the snapshot's revision, and of those it could not read.
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

    /// Every document whose key starts with `prefix` that satisfies `holds` now, by key: the snapshot's values are
    /// read in memory, not decoded.
    func current(keysStartingWith prefix: String = "", where holds: (Value) -> Bool) async throws -> [Value] {
        var found: [(key: String, value: Value)] = []
        for (key, value) in held(startingWith: prefix) where !changed.contains(key) && holds(value) { found.append((key, value)) }
        return try await withChanged(found, where: { holds($0) }, keysStartingWith: prefix)
    }

    /// Whether any document whose key starts with `prefix` satisfies `holds` now (the first found ends the search).
    func contains(keysStartingWith prefix: String = "", where holds: (Value) -> Bool) async throws -> Bool {
        for (key, value) in held(startingWith: prefix) where !changed.contains(key) && holds(value) { return true }
        for key in changed where key.hasPrefix(prefix) {
            if let value = try await tx.get(Value.self, kind: kind, key), holds(value) { return true }
        }
        return false
    }

    /// The snapshot's entries whose keys start with `prefix`, in key order (they sort together).
    private func held(startingWith prefix: String) -> some Sequence<(key: String, value: Value)> {
        held.entries(after: prefix.isEmpty ? nil : prefix).lazy.prefix { $0.key.hasPrefix(prefix) }
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

    private func withChanged(
        _ found: [(key: String, value: Value)], where holds: (Value) -> Bool, keysStartingWith prefix: String = ""
    ) async throws -> [Value] {
        var found = found
        for key in changed where key.hasPrefix(prefix) {
            if let value = try await tx.get(Value.self, kind: kind, key), holds(value) { found.append((key, value)) }
        }
        return found.sorted { $0.key < $1.key }.map(\.value)
    }
}

/// Which of an account's documents a write view must read in the transaction, by kind: those changed after the
/// snapshot's revision, and those the snapshot could not read.
struct ChangedDocuments {
    let tx: DocumentTransaction
    private let keys: [String: Set<String>]

    /// Reads the change feed after `revision` in `tx`; `unreadable` are the snapshot's (``DirectorySnapshot/unreadable``).
    init(_ tx: DocumentTransaction, after revision: Int64, unreadable: Set<String>) async throws {
        self.tx = tx
        var keys: [String: Set<String>] = [:]
        for id in try await tx.session.documentsChanged(after: revision, accountId: tx.accountId).union(unreadable) {
            guard let named = DocumentRecord.parts(ofChangeId: id), named.accountId == tx.accountId else { continue }
            keys[named.kind, default: []].insert(named.key)
        }
        self.keys = keys
    }

    /// The documents of `kind`, over the snapshot's values `held`.
    func documents<Value: Decodable & Sendable>(_ kind: some DocumentKind, held: SortedMap<Value>) -> DocumentsInWrite<Value> {
        DocumentsInWrite(tx: tx, kind: kind.rawValue, held: held, changed: keys[kind.rawValue] ?? [])
    }
}

extension Directory {
    /// Part of the snapshot, and which of `tx`'s account's documents changed after the snapshot's revision.
    func snapshotInWrite<T>(_ tx: DocumentTransaction, _ part: (DirectorySnapshot) -> T) async throws -> (part: T, changed: ChangedDocuments) {
        let (revision, part, unreadable) = snapshotPart { ($0.revision, part($0), $0.unreadable) }
        return (part, try await ChangedDocuments(tx, after: revision, unreadable: unreadable))
    }
}
