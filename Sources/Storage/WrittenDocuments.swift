import Synchronization

/// The documents this store's writers wrote, each with the value its text was encoded from, until the
/// directory's snapshot reads them back after the commit: the snapshot takes the value instead of decoding
/// the text under its lock.
///
/// Kept by document, so a rewrite replaces the entry, and reading the document back removes it. Documents
/// of rolled-back writes are never read back: past ``limit`` bytes of text all entries go (the snapshot then
/// decodes, as it does for other processes' writes).
public final class WrittenDocuments: Sendable {
    private struct Entry {
        let text: String
        let value: any Sendable
    }

    private let entries = Mutex<(byDocument: [String: Entry], bytes: Int)>(([:], 0))
    /// How much text is kept at most.
    public static let limit = 8 << 20

    public init() {}

    /// Keeps `value`, written as `text` to the document whose change ID (``DocumentRecord/changeId``) is `id`.
    public func keep(_ id: String, text: String, value: any Sendable) {
        entries.withLock { entries in
            if entries.bytes + text.utf8.count > Self.limit { entries = ([:], 0) }
            if let old = entries.byDocument.updateValue(Entry(text: text, value: value), forKey: id) { entries.bytes -= old.text.utf8.count }
            entries.bytes += text.utf8.count
        }
    }

    /// The value kept for the document `id` if it was written as `text` (the document's committed text), removed.
    ///
    /// A different text leaves the entry: it may belong to a write not yet committed.
    public func take(_ id: String, text: String?) -> (any Sendable)? {
        guard let text else { return nil }
        return entries.withLock { entries -> (any Sendable)? in
            guard let entry = entries.byDocument[id], entry.text == text else { return nil }
            entries.byDocument[id] = nil
            entries.bytes -= text.utf8.count
            return entry.value
        }
    }

    /// Whether anything is kept for the document `id`.
    public func isKept(_ id: String) -> Bool {
        entries.withLock { $0.byDocument[id] != nil }
    }
}
