/// A stored document: one IAM entity or setting of an account, as JSON.
public struct DocumentRecord: Sendable, Equatable {
    public var accountId: String
    /// `user`, `group`, `role`, `policy`, ...
    public var kind: String
    /// The entity's key within its kind (a lower-cased name: IAM names are unique regardless of case).
    public var key: String
    public var body: String

    public init(accountId: String, kind: String, key: String, body: String) {
        self.accountId = accountId
        self.kind = kind
        self.key = key
        self.body = body
    }

    /// The change-feed id of a document: `account/kind/key`.
    public var changeId: String { Self.changeId(accountId: accountId, kind: kind, key: key) }

    public static func changeId(accountId: String, kind: String, key: String) -> String { "\(accountId)/\(kind)/\(key)" }

    /// The account, kind and key a document's change-feed id names (the key may hold `/`); `nil` when it names none.
    public static func parts(ofChangeId id: String) -> (accountId: String, kind: String, key: String)? {
        let parts = id.split(separator: "/", maxSplits: 2).map(String.init)
        return parts.count == 3 ? (parts[0], parts[1], parts[2]) : nil
    }
}

extension StoreSession {
    /// Writes (inserts or replaces) a document and records the change.
    public func put(_ document: DocumentRecord) async throws {
        try connection.execute(
            "INSERT INTO documents (account_id, kind, key, body) VALUES (?, ?, ?, ?) ON CONFLICT (account_id, kind, key) DO UPDATE SET body = excluded.body",
            document.accountId, document.kind, document.key, document.body)
        try appendChange(entity: "document", id: document.changeId)
    }

    /// Deletes a document (if present) and records the change.
    public func deleteDocument(accountId: String, kind: String, key: String) async throws {
        try connection.execute("DELETE FROM documents WHERE account_id = ? AND kind = ? AND key = ?", accountId, kind, key)
        try appendChange(entity: "document", id: "\(accountId)/\(kind)/\(key)")
    }

    /// One document.
    public func document(accountId: String, kind: String, key: String) async throws -> DocumentRecord? {
        try connection.first("SELECT * FROM documents WHERE account_id = ? AND kind = ? AND key = ?", accountId, kind, key).map(Self.document)
    }

    /// An account's documents of one kind, by key.
    public func documents(accountId: String, kind: String) async throws -> [DocumentRecord] {
        try connection.rows("SELECT * FROM documents WHERE account_id = ? AND kind = ? ORDER BY key", accountId, kind).map(Self.document)
    }

    /// Every account's documents of one kind (checks that span accounts, such as unique aliases).
    public func documents(kind: String) async throws -> [DocumentRecord] {
        try connection.rows("SELECT * FROM documents WHERE kind = ? ORDER BY account_id, key", kind).map(Self.document)
    }

    /// Every document (loading the snapshot), but those of the kinds whose names start with `skipped` (kinds the
    /// snapshot does not hold).
    public func allDocuments(skippingKindsStartingWith skipped: String) async throws -> [DocumentRecord] {
        try connection.rows(
            "SELECT * FROM documents WHERE substr(kind, 1, length(?1)) != ?1 ORDER BY account_id, kind, key", skipped
        ).map(Self.document)
    }

    static func document(_ row: SQLRow) throws -> DocumentRecord {
        DocumentRecord(accountId: try row.string("account_id"), kind: try row.string("kind"), key: try row.string("key"), body: try row.string("body"))
    }
}
