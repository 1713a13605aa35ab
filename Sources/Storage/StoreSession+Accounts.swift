import SQLKit

extension StoreSession {
    /// Inserts an account and records the change.
    public func insert(_ account: AccountRecord) async throws {
        try await sql.raw(
            """
            INSERT INTO accounts (id, name, email, root_password_hash, created_at)
            VALUES (\(bind: account.id), \(bind: account.name), \(bind: account.email), \(bind: account.rootPasswordHash), \(bind: account.createdAt))
            """
        ).run()
        try await appendChange(entity: "account", id: account.id)
    }

    /// The account with this ID.
    public func account(id: String) async throws -> AccountRecord? {
        try await sql.raw("SELECT * FROM accounts WHERE id = \(bind: id)").first().map(Self.account)
    }

    /// The account whose root user signs in with this email (case-insensitive).
    public func account(email: String) async throws -> AccountRecord? {
        try await sql.raw("SELECT * FROM accounts WHERE lower(email) = lower(\(bind: email))").first().map(Self.account)
    }

    /// Every account.
    public func accounts() async throws -> [AccountRecord] {
        try await sql.raw("SELECT * FROM accounts ORDER BY id").all().map(Self.account)
    }

    static func account(_ row: any SQLRow) throws -> AccountRecord {
        AccountRecord(
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            email: try row.decode(column: "email", as: String.self),
            rootPasswordHash: try row.decode(column: "root_password_hash", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Double.self)
        )
    }
}
