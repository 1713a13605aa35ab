extension StoreSession {
    /// Inserts an account and records the change.
    public func insert(_ account: AccountRecord) async throws {
        try connection.execute(
            "INSERT INTO accounts (id, name, email, root_password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            account.id, account.name, account.email, account.rootPasswordHash, account.createdAt)
        try appendChange(entity: "account", id: account.id)
    }

    /// Replaces the root user's password hash `previous` (the same password, hashed at another cost) and records the
    /// change; a hash changed since (a new password) is left as it is.
    public func replaceRootPasswordHash(_ previous: String, with hash: String, accountId: String) async throws {
        try connection.execute("UPDATE accounts SET root_password_hash = ? WHERE id = ? AND root_password_hash = ?", hash, accountId, previous)
        try appendChange(entity: "account", id: accountId)
    }

    /// The account with this ID.
    public func account(id: String) async throws -> AccountRecord? {
        try connection.first("SELECT * FROM accounts WHERE id = ?", id).map(Self.account)
    }

    /// The account whose root user signs in with this email (case-insensitive).
    public func account(email: String) async throws -> AccountRecord? {
        try connection.first("SELECT * FROM accounts WHERE lower(email) = lower(?)", email).map(Self.account)
    }

    /// Every account.
    public func accounts() async throws -> [AccountRecord] {
        try connection.rows("SELECT * FROM accounts ORDER BY id").map(Self.account)
    }

    static func account(_ row: SQLRow) throws -> AccountRecord {
        AccountRecord(
            id: try row.string("id"),
            name: try row.string("name"),
            email: try row.string("email"),
            rootPasswordHash: try row.optionalString("root_password_hash"),
            createdAt: try row.double("created_at")
        )
    }
}
