extension StoreSession {
    /// Inserts an access key and records the change.
    public func insert(_ key: AccessKeyRecord) async throws {
        try connection.execute(
            """
            INSERT INTO access_keys (id, account_id, user_name, secret_sealed, status, created_at, expires_at, session_token_hash, mfa_at, role_session)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            key.id, key.accountId, key.userName, key.secretSealed, key.status, key.createdAt, key.expiresAt, key.sessionTokenHash, key.mfaAt,
            key.roleSession)
        try appendChange(entity: "access_key", id: key.id)
    }

    /// The access key with this ID.
    public func accessKey(id: String) async throws -> AccessKeyRecord? {
        try connection.first("SELECT * FROM access_keys WHERE id = ?", id).map(Self.accessKey)
    }

    /// Sets a key's status (`Active`, `Inactive`) and records the change.
    public func updateAccessKey(id: String, status: String) async throws {
        try connection.execute("UPDATE access_keys SET status = ? WHERE id = ?", status, id)
        try appendChange(entity: "access_key", id: id)
    }

    /// Moves a key to a renamed user and records the change.
    public func renameAccessKeyOwner(id: String, userName: String) async throws {
        try connection.execute("UPDATE access_keys SET user_name = ? WHERE id = ?", userName, id)
        try appendChange(entity: "access_key", id: id)
    }

    /// Records when keys were last used. Not a change of the key: the feed is not told.
    public func recordKeyUse(_ uses: [String: KeyUse]) async throws {
        for (id, use) in uses {
            try connection.execute(
                "UPDATE access_keys SET last_used_at = ?, last_used_service = ?, last_used_region = ? WHERE id = ?", use.at, use.service, use.region, id)
        }
    }

    /// Deletes a key and records the change.
    public func deleteAccessKey(id: String) async throws {
        try connection.execute("DELETE FROM access_keys WHERE id = ?", id)
        try appendChange(entity: "access_key", id: id)
    }

    /// The long-term keys of an IAM user (`userName`), or of the root user (`nil`), in an account.
    public func accessKeys(accountId: String, userName: String?) async throws -> [AccessKeyRecord] {
        let rows: [SQLRow]
        if let userName {
            rows = try connection.rows(
                "SELECT * FROM access_keys WHERE account_id = ? AND lower(user_name) = lower(?) AND expires_at IS NULL ORDER BY created_at",
                accountId, userName)
        } else {
            rows = try connection.rows(
                "SELECT * FROM access_keys WHERE account_id = ? AND user_name IS NULL AND expires_at IS NULL ORDER BY created_at", accountId)
        }
        return try rows.map(Self.accessKey)
    }

    /// Every access key.
    public func accessKeys() async throws -> [AccessKeyRecord] {
        try connection.rows("SELECT * FROM access_keys ORDER BY id").map(Self.accessKey)
    }

    static func accessKey(_ row: SQLRow) throws -> AccessKeyRecord {
        AccessKeyRecord(
            id: try row.string("id"),
            accountId: try row.string("account_id"),
            userName: try row.optionalString("user_name"),
            secretSealed: try row.bytes("secret_sealed"),
            status: try row.string("status"),
            createdAt: try row.double("created_at"),
            expiresAt: try row.optionalDouble("expires_at"),
            sessionTokenHash: try row.optionalBytes("session_token_hash"),
            lastUsed: try row.optionalDouble("last_used_at").map { at in
                KeyUse(at: at, service: try row.optionalString("last_used_service") ?? "N/A", region: try row.optionalString("last_used_region") ?? "N/A")
            },
            mfaAt: try row.optionalDouble("mfa_at"),
            roleSession: try row.optionalString("role_session")
        )
    }
}
