import Foundation
import Storage
import Synchronization

extension Directory {
    /// Takes the lockouts kept in the store, and keeps each change to them from now on, so that restarting the server
    /// does not give a locked-out identity its attempts back. Each change is written in a write of its own, after the
    /// attempt's (a refused sign-in's transaction is rolled back), one after another, each reading the count as it is
    /// when it runs.
    func keepSignInLockouts() async throws {
        let kept = try await store.read { session in try await session.signInFailures() }
        signInThrottle.restore(kept.mapValues { $0.map { Date(timeIntervalSince1970: $0) } })
        signInThrottle.observe { [weak self] key in
            guard let self else { return }
            lockoutWrites.withLock { last in
                let previous = last
                last = Task {
                    await previous?.value
                    try? await self.store.write { session in
                        try await session.setSignInFailures(self.signInThrottle.recentFailures(key).map(\.timeIntervalSince1970), for: key)
                    }
                }
            }
        }
    }

    /// Waits for the lockout writes started so far (the store is closing).
    func finishLockoutWrites() async {
        await lockoutWrites.withLock { $0 }?.value
    }
}
