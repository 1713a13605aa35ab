import Storage
import Synchronization

extension Directory {
    /// Returns the directory to a new data folder's first-start state, with the development account
    /// `devAccountId`: every account, key, IAM entity and audit event goes. For development servers only.
    public func reset(devAccountId: String) async throws {
        auditTrail.discardPending()
        keyUses.withLock { $0.removeAll() }
        flushedKeyUses.withLock { $0.removeAll() }
        try await store.erase()
        try await reload()
        try await ensureDevAccount(id: devAccountId)
    }
}
