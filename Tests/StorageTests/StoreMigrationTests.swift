import Foundation
@testable import Storage
import Testing

struct StoreMigrationTests {
    /// Opens the store at `path`, runs `body`, and closes the store whatever happens.
    static func withStore<T>(_ path: String, _ body: (Store) async throws -> T) async throws -> T {
        let store = try await Store.open(path: path, logger: StorageScratch.logger)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// Runs `body` with the path of a database file in a scratch folder (removed afterwards).
    static func withDatabasePath(_ body: (String) async throws -> Void) async throws {
        try await StorageScratch.withFolder { folder in try await body(folder + "/gatehouse.sqlite") }
    }

    static let key = AccessKeyRecord(
        id: "AKIAEXAMPLEEXAMPLE01",
        accountId: "111122223333",
        userName: nil,
        secretSealed: [1, 2, 3],
        status: "Active",
        createdAt: 1,
        expiresAt: nil
    )

    @Test func reopeningKeepsRowsAndAppliesNoMigrationTwice() async throws {
        try await Self.withDatabasePath { path in
            try await Self.withStore(path) { store in
                try await store.write { session in
                    try await session.insert(
                        AccountRecord(id: "111122223333", name: "Prod", email: "ops@example.com", rootPasswordHash: nil, createdAt: 1)
                    )
                    try await session.insert(Self.key)
                }
            }
            try await Self.withStore(path) { store in
                #expect(try await store.read { try await $0.accessKeys() } == [Self.key])
                #expect(try await store.read { try await $0.latestRevision() } == 2)
                let versions = try await store.read { session in
                    try session.connection.rows("SELECT version FROM schema_migrations").map { try $0.int64("version") }
                }
                #expect(versions == [1, 2, 3, 4, 5, 6, 7])
            }
        }
    }

    /// Stores written through SQLKit (before migration 3) kept byte arrays as JSON text; they must still open.
    @Test func byteArraysStoredAsJSONTextAreReadAsBytes() async throws {
        try await Self.withDatabasePath { path in
            try await Self.withStore(path) { store in
                try await store.write { session in
                    try await session.insert(
                        AccountRecord(id: "111122223333", name: "Prod", email: "ops@example.com", rootPasswordHash: nil, createdAt: 1))
                    // As the earlier version wrote them, with the store at schema version 2.
                    try session.connection.execute(
                        """
                        INSERT INTO access_keys (id, account_id, user_name, secret_sealed, status, created_at, session_token_hash)
                        VALUES ('AKIAOLDFORMAT0000001', '111122223333', NULL, '[93,164,0,255]', 'Active', 1, '[ ]'),
                               ('AKIAOLDFORMAT0000002', '111122223333', 'alice', '[7]', 'Active', 2, NULL)
                        """)
                    try session.connection.execute("DELETE FROM schema_migrations WHERE version = 3")
                }
            }
            try await Self.withStore(path) { store in
                let keys = try await store.read { try await $0.accessKeys() }
                #expect(keys.map(\.secretSealed) == [[93, 164, 0, 255], [7]])
                #expect(keys.map(\.sessionTokenHash) == [[], nil])
            }
        }
    }

    /// Before migration 4 the root user's MFA devices were assigned to `root`, a name an IAM user may have too.
    @Test func rootUsersDevicesMoveToAnOwnerNoUserCanBe() async throws {
        try await Self.withDatabasePath { path in
            let devices = [
                ("root-app", #"{"serialNumber":"arn:aws:iam::111122223333:mfa/root-app","userName":"root","lastStep":7}"#),
                ("root-key", #"{"serialNumber":"arn:aws:iam::111122223333:u2f/root/root-key","userName":"root"}"#),
                ("user-key", #"{"serialNumber":"arn:aws:iam::111122223333:u2f/user/root/user-key","userName":"root"}"#),
                ("alice-app", #"{"serialNumber":"arn:aws:iam::111122223333:mfa/alice-app","userName":"alice"}"#),
                ("spare", #"{"serialNumber":"arn:aws:iam::111122223333:mfa/spare"}"#),
            ]
            try await Self.withStore(path) { store in
                try await store.write { session in
                    for (key, body) in devices {
                        try session.connection.execute(
                            "INSERT INTO documents (account_id, kind, key, body) VALUES ('111122223333', 'mfa_device', ?, ?)", key, body)
                    }
                    try session.connection.execute("INSERT INTO documents (account_id, kind, key, body) VALUES ('111122223333', 'user', 'root', ?)", #"{"userName":"root"}"#)
                    try session.connection.execute("DELETE FROM schema_migrations WHERE version = 4")
                }
            }
            try await Self.withStore(path) { store in
                let owners = try await store.read { session in
                    try session.connection.rows(
                        "SELECT key, json_extract(body, '$.userName') AS owner FROM documents WHERE kind = 'mfa_device' ORDER BY key"
                    ).map { row in [try row.string("key"), try row.optionalString("owner") ?? "-"] }
                }
                #expect(owners == [["alice-app", "alice"], ["root-app", ":root"], ["root-key", ":root"], ["spare", "-"], ["user-key", "root"]])
                let bodies = try await store.read { session in
                    try session.connection.rows("SELECT body FROM documents WHERE key IN ('root-app', 'root') ORDER BY kind").map { try $0.string("body") }
                }
                // The rest of a moved device is as it was; a user document is not a device.
                #expect(bodies == [#"{"serialNumber":"arn:aws:iam::111122223333:mfa/root-app","userName":":root","lastStep":7}"#, #"{"userName":"root"}"#])
            }
        }
    }

    /// Identity store entities stored before migration 5 get the claims later writes check their names against.
    @Test func identityStoreEntitiesGetTheirClaims() async throws {
        try await Self.withDatabasePath { path in
            // The attributes are JSON text inside the document's JSON.
            let attributes = #"{\"DisplayName\":\"Ana\",\"Emails\":[{\"Value\":\"Ana@Example.com\",\"Primary\":true},{\"Value\":\"ana.b@example.com\"}]}"#
            let documents = [
                ("ids_user", "u-1", #"{"id":"u-1","userName":"Ana.Björk","attributes":""# + attributes + #""}"#),
                ("ids_user", "u-2", #"{"id":"u-2","userName":"bo","attributes":"{}"}"#),
                // UpdateUser stores whatever JSON it is given as emails: such values claim nothing.
                ("ids_user", "u-3", #"{"id":"u-3","userName":"cy","attributes":"{\"Emails\":[5,\"s\",{\"Value\":7},{\"Type\":\"w\"}]}"}"#),
                ("ids_user", "u-4", #"{"id":"u-4","userName":"di","attributes":"{\"Emails\":{\"Value\":\"o@example.com\"}}"}"#),
                ("ids_user", "u-5", #"{"id":"u-5","userName":"ed","attributes":"{\"Emails\":\"e@example.com\"}"}"#),
                ("ids_group", "g-1", #"{"id":"g-1","displayName":"Ops"}"#),
                ("ids_membership", "m-1", #"{"id":"m-1","groupId":"g-1","userId":"u-1"}"#),
            ]
            try await Self.withStore(path) { store in
                try await store.write { session in
                    for (kind, key, body) in documents {
                        try session.connection.execute(
                            "INSERT INTO documents (account_id, kind, key, body) VALUES ('111122223333', ?, ?, ?)", kind, key, body)
                    }
                    try session.connection.execute("DELETE FROM schema_migrations WHERE version = 5")
                }
            }
            try await Self.withStore(path) { store in
                let claims = try await store.read { session in
                    try session.connection.rows(
                        "SELECT kind, key, json_extract(body, '$.id') AS id FROM documents WHERE kind LIKE 'ids_claim_%' ORDER BY kind, key"
                    ).map { row in [try row.string("kind"), try row.string("key"), try row.string("id")] }
                }
                #expect(
                    claims == [
                        ["ids_claim_email", "ana.b@example.com", "u-1"], ["ids_claim_email", "ana@example.com", "u-1"],
                        ["ids_claim_group_name", "ops", "g-1"], ["ids_claim_membership", "g-1/u-1", "m-1"],
                        ["ids_claim_user_name", "ana.björk", "u-1"], ["ids_claim_user_name", "bo", "u-2"], ["ids_claim_user_name", "cy", "u-3"],
                        ["ids_claim_user_name", "di", "u-4"], ["ids_claim_user_name", "ed", "u-5"],
                    ])
            }
        }
    }

    @Test func malformedJSONByteArraysAreRefused() throws {
        #expect(throws: SQLiteError.self) { try Migrations.jsonBytes("[1,256]") }
        #expect(throws: SQLiteError.self) { try Migrations.jsonBytes("[1,,2]") }
        #expect(throws: SQLiteError.self) { try Migrations.jsonBytes("1,2") }
        #expect(try Migrations.jsonBytes(" [ 1, 2 ] ") == [1, 2])
    }

    @Test func oneStatementAtATime() async throws {
        let connection = try SQLiteConnection(path: ":memory:")
        #expect(throws: SQLiteError.self) { try connection.execute("SELECT 1; SELECT 2") }
        #expect(throws: SQLiteError.self) { try connection.execute("-- nothing") }
        #expect(try connection.first("SELECT ? AS text, ? AS bytes", "", [UInt8]())?.string("text") == "")
        #expect(try connection.first("SELECT ? AS bytes", [UInt8]())?.bytes("bytes") == [])
    }
}
