import Synchronization

/// Shares snapshot refreshes between concurrent callers. A caller that arrives while a refresh runs
/// waits; the next refresh starts after that one ends, so it sees everything committed before any
/// of them asked, and answers them all. Sixteen writers committed together cost two refreshes, not
/// sixteen.
final class SharedRefresh: Sendable {
    private struct State {
        var running = false
        /// Callers waiting for the next refresh; resumed with `true` to run it themselves.
        var waiting: [CheckedContinuation<Bool, any Error>] = []
    }

    private let state = Mutex(State())

    /// Returns once a refresh that started after this call has run (`refresh` itself, or another caller's).
    func run(_ refresh: () async throws -> Void) async throws {
        let leads = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
            let leads = state.withLock { state in
                if state.running {
                    state.waiting.append(continuation)
                    return false
                }
                state.running = true
                return true
            }
            if leads { continuation.resume(returning: true) }
        }
        guard leads else { return }
        // Everyone waiting now asked before this refresh starts: it answers them too.
        let covered = state.withLock { state in
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        let outcome: Result<Void, any Error>
        do {
            try await refresh()
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        for waiter in covered { waiter.resume(with: outcome.map { false }) }
        // Whoever arrived during the refresh needs another: the first of them runs it.
        let next = state.withLock { state -> CheckedContinuation<Bool, any Error>? in
            if state.waiting.isEmpty {
                state.running = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume(returning: true)
        try outcome.get()
    }
}
