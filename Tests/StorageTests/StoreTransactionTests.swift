import CSQLite
@testable import Storage
import Testing

struct StoreTransactionTests {
    /// A write whose transaction ended under it (as SQLite ends one after a full disk) is refused, not
    /// reported as committed, and the store goes on taking writes.
    @Test func aWriteWhoseTransactionEndedFailsAndTheStoreGoesOn() async throws {
        let store = try await Store.open(path: nil, logger: StorageScratch.logger)
        let account = AccountRecord(id: "111122223333", name: "Prod", email: "ops@example.com", rootPasswordHash: nil, createdAt: 1)
        await #expect {
            try await store.write { session in
                try await session.insert(account)
                try session.connection.execute("ROLLBACK")
            }
        } throws: { error in
            (error as? SQLiteError)?.code == SQLITE_ABORT
        }
        #expect(try await store.read { try await $0.accounts() } == [])
        try await store.write { session in try await session.insert(account) }
        #expect(try await store.read { try await $0.accounts() } == [account])
        try await store.close()
    }

    static let account = AccountRecord(id: "111122223333", name: "Prod", email: "ops@example.com", rootPasswordHash: nil, createdAt: 1)

    /// A reader never sees a write that has not committed, and sees it once it has.
    @Test func aReadSeesOnlyCommittedWrites() async throws {
        try await StorageScratch.withFolder { folder in
            let store = try await Store.open(path: folder + "/gatehouse.sqlite", logger: StorageScratch.logger)
            let (inWrite, inWriteGo) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseGo) = AsyncStream.makeStream(of: Void.self)
            let writer = Task {
                try await store.write { session in
                    try await session.insert(Self.account)
                    inWriteGo.yield()
                    for await _ in release { break }
                }
            }
            for await _ in inWrite { break }
            #expect(try await store.read { try await $0.accounts() } == [])
            releaseGo.yield()
            try await writer.value
            #expect(try await store.read { try await $0.accounts() } == [Self.account])
            try await store.close()
        }
    }

    /// A write that throws rolls back what it did, and only that: the writes before and after it are kept.
    @Test func aFailedWriteTakesOnlyItself() async throws {
        let store = try await Store.open(path: nil, logger: StorageScratch.logger)
        try await store.write { session in try await session.insert(Self.account) }
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await store.write { session in
                try await session.insert(AccountRecord(id: "444455556666", name: "Dev", email: "dev@example.com", rootPasswordHash: nil, createdAt: 2))
                throw Refused()
            }
        }
        let third = AccountRecord(id: "777788889999", name: "Ops", email: "ops2@example.com", rootPasswordHash: nil, createdAt: 3)
        try await store.write { session in try await session.insert(third) }
        #expect(try await store.read { try await $0.accounts() }.map(\.id) == ["111122223333", "777788889999"])
        try await store.close()
    }
}
