import SQLKit

extension StoreSession {
    /// Inserts an access key and records the change.
    public func insert(_ key: AccessKeyRecord) async throws {
        try await sql.raw(
            """
            INSERT INTO access_keys (id, account_id, user_name, secret_sealed, status, created_at, expires_at, session_token_hash)
            VALUES (\(bind: key.id), \(bind: key.accountId), \(bind: key.userName), \(bind: key.secretSealed),
                    \(bind: key.status), \(bind: key.createdAt), \(bind: key.expiresAt), \(bind: key.sessionTokenHash))
            """
        ).run()
        try await appendChange(entity: "access_key", id: key.id)
    }

    /// The access key with this ID.
    public func accessKey(id: String) async throws -> AccessKeyRecord? {
        try await sql.raw("SELECT * FROM access_keys WHERE id = \(bind: id)").first().map(Self.accessKey)
    }

    /// Every access key.
    public func accessKeys() async throws -> [AccessKeyRecord] {
        try await sql.raw("SELECT * FROM access_keys ORDER BY id").all().map(Self.accessKey)
    }

    static func accessKey(_ row: any SQLRow) throws -> AccessKeyRecord {
        AccessKeyRecord(
            id: try row.decode(column: "id", as: String.self),
            accountId: try row.decode(column: "account_id", as: String.self),
            userName: try row.decode(column: "user_name", as: String?.self),
            secretSealed: try row.decode(column: "secret_sealed", as: [UInt8].self),
            status: try row.decode(column: "status", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Double.self),
            expiresAt: try row.decode(column: "expires_at", as: Double?.self),
            sessionTokenHash: try row.decode(column: "session_token_hash", as: [UInt8]?.self)
        )
    }
}
