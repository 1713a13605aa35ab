import CSQLite
@testable import Storage
import Testing

struct StoreTransactionTests {
    /// A write whose transaction ended under it (as SQLite ends one after a full disk) is refused, not
    /// reported as committed, and the store goes on taking writes.
    @Test func aWriteWhoseTransactionEndedFailsAndTheStoreGoesOn() async throws {
        let store = try await Store.open(path: nil, logger: Scratch.logger)
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
}
