import CSQLite

/// The schema, as numbered migrations applied in order and recorded in `schema_migrations`.
///
/// Never edit a migration that has shipped; add the next one.
enum Migrations {
    /// SQL statements, then (for a change SQL cannot express) a step in Swift, in the same transaction.
    static let all: [(version: Int, statements: [String], step: (@Sendable (SQLiteConnection) throws -> Void)?)] = [
        (
            1,
            [
                """
                CREATE TABLE accounts (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    email TEXT NOT NULL,
                    root_password_hash TEXT,
                    created_at REAL NOT NULL
                )
                """,
                """
                CREATE TABLE access_keys (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES accounts(id),
                    user_name TEXT,
                    secret_sealed BLOB NOT NULL,
                    status TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    expires_at REAL,
                    session_token_hash BLOB
                )
                """,
                "CREATE UNIQUE INDEX accounts_email ON accounts(lower(email))",
                "CREATE INDEX access_keys_account ON access_keys(account_id)",
                """
                CREATE TABLE changes (
                    revision INTEGER PRIMARY KEY AUTOINCREMENT,
                    entity TEXT NOT NULL,
                    entity_id TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE audit_events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id TEXT NOT NULL UNIQUE,
                    event_time REAL NOT NULL,
                    account_id TEXT NOT NULL,
                    event_name TEXT NOT NULL,
                    event_source TEXT NOT NULL,
                    username TEXT,
                    access_key_id TEXT,
                    read_only INTEGER NOT NULL,
                    record TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                )
                """,
                "CREATE INDEX audit_events_account_time ON audit_events(account_id, event_time, seq)",
                """
                CREATE TABLE audit_resources (
                    seq INTEGER NOT NULL REFERENCES audit_events(seq),
                    resource_type TEXT NOT NULL,
                    resource_name TEXT NOT NULL
                )
                """,
                "CREATE INDEX audit_resources_name ON audit_resources(resource_name)",
            ],
            nil
        ),
        (
            2,
            [
                // IAM entities (users, groups, roles, policies, login profiles, MFA devices, settings) as JSON documents.
                """
                CREATE TABLE documents (
                    account_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    key TEXT NOT NULL,
                    body TEXT NOT NULL,
                    PRIMARY KEY (account_id, kind, key)
                )
                """,
                "ALTER TABLE access_keys ADD COLUMN last_used_at REAL",
                "ALTER TABLE access_keys ADD COLUMN last_used_service TEXT",
                "ALTER TABLE access_keys ADD COLUMN last_used_region TEXT",
                // For temporary credentials made with an MFA code: when the code was checked.
                "ALTER TABLE access_keys ADD COLUMN mfa_at REAL",
                // For role sessions: the role, session name, session policies and tags, as JSON.
                "ALTER TABLE access_keys ADD COLUMN role_session TEXT",
            ],
            nil
        ),
        (
            3,
            [],
            // Stores written through SQLKit kept byte arrays as JSON text ("[12,200,...]"); make them blobs.
            { connection in
                for column in ["secret_sealed", "session_token_hash"] {
                    for row in try connection.rows("SELECT id, \(column) AS bytes FROM access_keys WHERE typeof(\(column)) = 'text'") {
                        try connection.execute("UPDATE access_keys SET \(column) = ? WHERE id = ?", try jsonBytes(row.string("bytes")), try row.string("id"))
                    }
                }
            }
        ),
        (
            4,
            [
                // The root user's MFA devices were assigned to the name `root`, which an IAM user may also have; they move to
                // `:root`, which no IAM user name can spell. A security key's serial number says whose it is (`u2f/user/root/…`
                // is the IAM user's); an authenticator app's does not, and such a device is taken to be the root user's.
                """
                UPDATE documents SET body = json_set(body, '$.userName', ':root')
                WHERE kind = 'mfa_device' AND json_extract(body, '$.userName') = 'root'
                    AND json_extract(body, '$.serialNumber') NOT LIKE '%:u2f/user/%'
                """
            ],
            nil
        ),
        (
            5,
            [],
            // Identity store claims for the entities stored before them: each user name, user email, group name, and
            // membership's group and user, as a document keyed by the value (lower-cased in Swift, as every key is).
            { connection in
                let claims = [
                    ("ids_claim_user_name", "SELECT account_id, json_extract(body, '$.userName') AS value, json_extract(body, '$.id') AS id FROM documents WHERE kind = 'ids_user'"),
                    (
                        "ids_claim_email",
                        // As the identity store reads emails: each `Value` string in an `Emails` list; UpdateUser may have
                        // stored any JSON there, which claims nothing (and must not stop the migration).
                        """
                        SELECT d.account_id,
                            CASE WHEN e.type = 'object' THEN CASE WHEN json_type(e.value, '$.Value') = 'text' THEN json_extract(e.value, '$.Value') END END
                                AS value,
                            json_extract(d.body, '$.id') AS id
                        FROM documents d, json_each(
                            CASE WHEN json_valid(json_extract(d.body, '$.attributes'))
                                THEN CASE WHEN json_type(json_extract(d.body, '$.attributes'), '$.Emails') = 'array'
                                    THEN json_extract(d.body, '$.attributes') ELSE '{}' END
                                ELSE '{}' END,
                            '$.Emails') e
                        WHERE d.kind = 'ids_user'
                        """
                    ),
                    ("ids_claim_group_name", "SELECT account_id, json_extract(body, '$.displayName') AS value, json_extract(body, '$.id') AS id FROM documents WHERE kind = 'ids_group'"),
                    (
                        "ids_claim_membership",
                        """
                        SELECT account_id, json_extract(body, '$.groupId') || '/' || json_extract(body, '$.userId') AS value, json_extract(body, '$.id') AS id
                        FROM documents WHERE kind = 'ids_membership'
                        """
                    ),
                ]
                for (kind, query) in claims {
                    for row in try connection.rows(query) {
                        guard let value = try row.optionalString("value"), let id = try row.optionalString("id") else { continue }
                        try connection.execute(
                            "INSERT OR IGNORE INTO documents (account_id, kind, key, body) VALUES (?, ?, ?, json_object('id', ?))",
                            try row.string("account_id"), kind, value.lowercased(), id)
                    }
                }
            }
        ),
        (
            6,
            [
                // Signed checkpoints of the audit trail: where the chain ended (its last event's number and hash) when the
                // checkpoint was made, signed with the audit signing key and chained to the checkpoint before.
                """
                CREATE TABLE audit_checkpoints (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_seq INTEGER NOT NULL,
                    event_hash TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    previous_signature TEXT NOT NULL,
                    signature TEXT NOT NULL
                )
                """
            ],
            nil
        ),
        (
            7,
            [
                // Failed sign-ins per identity within the lockout window (epoch seconds, space-separated), so that a
                // restart does not lift a lockout.
                "CREATE TABLE sign_in_failures (key TEXT PRIMARY KEY, failures TEXT NOT NULL)"
            ],
            nil
        ),
    ]

    /// `[1,2,3]` as bytes.
    static func jsonBytes(_ text: String) throws(SQLiteError) -> [UInt8] {
        let trimmed = text.filter { !$0.isWhitespace }
        guard trimmed.hasPrefix("["), trimmed.hasSuffix("]") else { throw SQLiteError(code: SQLITE_MISMATCH, message: "not a JSON byte array") }
        let items = trimmed.dropFirst().dropLast()
        if items.isEmpty { return [] }
        var bytes: [UInt8] = []
        for item in items.split(separator: ",", omittingEmptySubsequences: false) {
            guard let byte = UInt8(item) else { throw SQLiteError(code: SQLITE_MISMATCH, message: "not a JSON byte array") }
            bytes.append(byte)
        }
        return bytes
    }
}
