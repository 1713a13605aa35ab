import Foundation
@testable import Storage
import Testing

struct StoreMigrationTests {
    /// Opens the store at `path`, runs `body`, and closes the store whatever happens.
    static func withStore<T>(_ path: String, _ body: (Store) async throws -> T) async throws -> T {
        let store = try await Store.open(path: path, logger: Scratch.logger)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
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
        try await Scratch.withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
            let path = folder.path + "/gatehouse.sqlite"
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
                #expect(versions == [1, 2])
            }
        }
    }
}
