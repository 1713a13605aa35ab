import Synchronization

/// Shares snapshot refreshes between concurrent callers. A caller that arrives while a refresh runs
/// waits; the next refresh starts after that one ends, so it sees everything committed before any
/// of them asked, and answers them all. Sixteen writers committed together cost two refreshes, not
/// sixteen.
final class SharedRefresh: Sendable {
    /// What a waiting caller is told.
    private enum Turn {
        /// A refresh that started after you asked has run.
        case done
        /// Run the next refresh, for yourself and whoever is waiting then.
        case lead
        /// The shared refresh failed: refresh on your own.
        case alone
    }

    private struct State {
        var running = false
        var waiting: [CheckedContinuation<Turn, Never>] = []
    }

    private let state = Mutex(State())

    /// Returns once a refresh that started after this call has run (its own, or another caller's).
    func run(_ refresh: @escaping @Sendable () async throws -> Void) async throws {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let leads = state.withLock { state in
                if state.running {
                    state.waiting.append(continuation)
                    return false
                }
                state.running = true
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .done: return
        case .alone: return try await refresh()
        case .lead: break
        }
        // Everyone waiting now asked before this refresh starts: it answers them too.
        let covered = state.withLock { state in
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        // A task of its own: the refresh others wait for must not fail because this caller's task was cancelled.
        let outcome = await Task { try await refresh() }.result
        let succeeded = (try? outcome.get()) != nil
        for waiter in covered { waiter.resume(returning: succeeded ? .done : .alone) }
        // Whoever arrived during the refresh needs another: the first of them runs it.
        let next = state.withLock { state -> CheckedContinuation<Turn, Never>? in
            if state.waiting.isEmpty {
                state.running = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume(returning: .lead)
        try outcome.get()
    }
}
