import SQLKit

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
    public var changeId: String { "\(accountId)/\(kind)/\(key)" }
}

extension StoreSession {
    /// Writes (inserts or replaces) a document and records the change.
    public func put(_ document: DocumentRecord) async throws {
        try await sql.raw(
            """
            INSERT INTO documents (account_id, kind, key, body) VALUES (\(bind: document.accountId), \(bind: document.kind), \(bind: document.key), \(bind: document.body))
            ON CONFLICT (account_id, kind, key) DO UPDATE SET body = excluded.body
            """
        ).run()
        try await appendChange(entity: "document", id: document.changeId)
    }

    /// Deletes a document (if present) and records the change.
    public func deleteDocument(accountId: String, kind: String, key: String) async throws {
        try await sql.raw("DELETE FROM documents WHERE account_id = \(bind: accountId) AND kind = \(bind: kind) AND key = \(bind: key)").run()
        try await appendChange(entity: "document", id: "\(accountId)/\(kind)/\(key)")
    }

    /// One document.
    public func document(accountId: String, kind: String, key: String) async throws -> DocumentRecord? {
        try await sql.raw("SELECT * FROM documents WHERE account_id = \(bind: accountId) AND kind = \(bind: kind) AND key = \(bind: key)")
            .first().map(Self.document)
    }

    /// An account's documents of one kind, by key.
    public func documents(accountId: String, kind: String) async throws -> [DocumentRecord] {
        try await sql.raw("SELECT * FROM documents WHERE account_id = \(bind: accountId) AND kind = \(bind: kind) ORDER BY key").all().map(Self.document)
    }

    /// Every account's documents of one kind (checks that span accounts, such as unique aliases).
    public func documents(kind: String) async throws -> [DocumentRecord] {
        try await sql.raw("SELECT * FROM documents WHERE kind = \(bind: kind) ORDER BY account_id, key").all().map(Self.document)
    }

    /// Every document (loading the snapshot).
    public func allDocuments() async throws -> [DocumentRecord] {
        try await sql.raw("SELECT * FROM documents ORDER BY account_id, kind, key").all().map(Self.document)
    }

    static func document(_ row: any SQLRow) throws -> DocumentRecord {
        DocumentRecord(
            accountId: try row.decode(column: "account_id", as: String.self),
            kind: try row.decode(column: "kind", as: String.self),
            key: try row.decode(column: "key", as: String.self),
            body: try row.decode(column: "body", as: String.self)
        )
    }
}
