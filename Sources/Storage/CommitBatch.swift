import Synchronization

/// The writes that share one transaction and one `COMMIT` (group commit): each waits here for
/// the outcome of that commit before it is acknowledged.
final class CommitBatch: Sendable {
    private struct State {
        var outcome: Result<Void, any Error>?
        var broken: (any Error)?
        var waiters: [CheckedContinuation<Void, any Error>] = []
    }

    private let state = Mutex(State())

    /// Set when a write's rollback to its savepoint failed: the transaction can no longer be
    /// trusted, so the batch is rolled back whole and no other write joins it.
    var broken: (any Error)? {
        state.withLock { $0.broken }
    }

    func breaks(_ error: any Error) {
        state.withLock { $0.broken = $0.broken ?? error }
    }

    /// Records the commit's outcome and wakes every write waiting for it.
    func finish(_ outcome: Result<Void, any Error>) {
        let waiters = state.withLock { state in
            state.outcome = outcome
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: outcome) }
    }

    /// Returns once the batch is committed; throws if it was not.
    func committed() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome = state.withLock { state -> Result<Void, any Error>? in
                if state.outcome == nil { state.waiters.append(continuation) }
                return state.outcome
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }
}
