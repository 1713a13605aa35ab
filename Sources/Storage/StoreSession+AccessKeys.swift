import SQLKit

extension StoreSession {
    /// Inserts an access key and records the change.
    public func insert(_ key: AccessKeyRecord) async throws {
        try await sql.raw(
            """
            INSERT INTO access_keys (id, account_id, user_name, secret_sealed, status, created_at, expires_at, session_token_hash, mfa_at, role_session)
            VALUES (\(bind: key.id), \(bind: key.accountId), \(bind: key.userName), \(bind: key.secretSealed),
                    \(bind: key.status), \(bind: key.createdAt), \(bind: key.expiresAt), \(bind: key.sessionTokenHash), \(bind: key.mfaAt),
                    \(bind: key.roleSession))
            """
        ).run()
        try await appendChange(entity: "access_key", id: key.id)
    }

    /// The access key with this ID.
    public func accessKey(id: String) async throws -> AccessKeyRecord? {
        try await sql.raw("SELECT * FROM access_keys WHERE id = \(bind: id)").first().map(Self.accessKey)
    }

    /// Sets a key's status (`Active`, `Inactive`) and records the change.
    public func updateAccessKey(id: String, status: String) async throws {
        try await sql.raw("UPDATE access_keys SET status = \(bind: status) WHERE id = \(bind: id)").run()
        try await appendChange(entity: "access_key", id: id)
    }

    /// Moves a key to a renamed user and records the change.
    public func renameAccessKeyOwner(id: String, userName: String) async throws {
        try await sql.raw("UPDATE access_keys SET user_name = \(bind: userName) WHERE id = \(bind: id)").run()
        try await appendChange(entity: "access_key", id: id)
    }

    /// Records when keys were last used. Not a change of the key: the feed is not told.
    public func recordKeyUse(_ uses: [String: KeyUse]) async throws {
        for (id, use) in uses {
            try await sql.raw(
                "UPDATE access_keys SET last_used_at = \(bind: use.at), last_used_service = \(bind: use.service), last_used_region = \(bind: use.region) WHERE id = \(bind: id)"
            ).run()
        }
    }

    /// Deletes a key and records the change.
    public func deleteAccessKey(id: String) async throws {
        try await sql.raw("DELETE FROM access_keys WHERE id = \(bind: id)").run()
        try await appendChange(entity: "access_key", id: id)
    }

    /// The long-term keys of an IAM user (`userName`), or of the root user (`nil`), in an account.
    public func accessKeys(accountId: String, userName: String?) async throws -> [AccessKeyRecord] {
        let rows: [any SQLRow]
        if let userName {
            rows = try await sql.raw(
                "SELECT * FROM access_keys WHERE account_id = \(bind: accountId) AND lower(user_name) = lower(\(bind: userName)) AND expires_at IS NULL ORDER BY created_at"
            ).all()
        } else {
            rows = try await sql.raw(
                "SELECT * FROM access_keys WHERE account_id = \(bind: accountId) AND user_name IS NULL AND expires_at IS NULL ORDER BY created_at"
            ).all()
        }
        return try rows.map(Self.accessKey)
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
            sessionTokenHash: try row.decode(column: "session_token_hash", as: [UInt8]?.self),
            lastUsed: try row.decode(column: "last_used_at", as: Double?.self).map { at in
                KeyUse(
                    at: at, service: try row.decode(column: "last_used_service", as: String?.self) ?? "N/A",
                    region: try row.decode(column: "last_used_region", as: String?.self) ?? "N/A")
            },
            mfaAt: try row.decode(column: "mfa_at", as: Double?.self),
            roleSession: try row.decode(column: "role_session", as: String?.self)
        )
    }
}
