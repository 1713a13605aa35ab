import Foundation
import Logging
import Storage
import Synchronization

extension Directory {
    /// Takes the lockouts kept in the store, and keeps each change to them from now on, so that restarting the server
    /// does not give a locked-out identity its attempts back. Each change is written in a write of its own, after the
    /// attempt's (a refused sign-in's transaction is rolled back) by ``deferredWrite(_:)``, one after another, each
    /// reading the count as it is when it runs.
    func keepSignInLockouts() async throws {
        let kept = try await store.read { session in try await session.signInFailures() }
        signInThrottle.restore(kept.mapValues { $0.map { Date(timeIntervalSince1970: $0) } })
        // Keys whose failures have all expired are dropped from the store too.
        let expired = kept.keys.filter { signInThrottle.recentFailures($0).isEmpty }
        if !expired.isEmpty {
            try await store.write { session in
                for key in expired { try await session.setSignInFailures([], for: key) }
            }
        }
        signInThrottle.observe { [weak self] keys in
            guard let self else { return }
            deferredWrite { session in
                for key in keys {
                    try await session.setSignInFailures(self.signInThrottle.recentFailures(key).map(\.timeIntervalSince1970), for: key)
                }
            }
        }
    }

    /// Writes `body` in a write of its own, after the deferred writes before it: for what must be kept although the call
    /// that caused it fails and rolls back (a lockout's count, a spent authorization code).
    func deferredWrite(_ body: @escaping @Sendable (StoreSession) async throws -> Void) {
        deferredWrites.withLock { last in
            let previous = last
            last = Task {
                await previous?.value
                do {
                    try await self.store.write { session in try await body(session) }
                } catch {
                    self.logger.error("a deferred write failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Waits for the deferred writes started so far (the store is closing).
    func finishDeferredWrites() async {
        await deferredWrites.withLock { $0 }?.value
    }
}
