import Foundation
import Synchronization

/// Counts failed sign-ins per key (a user, an address) in a sliding window, and refuses further
/// attempts once a key has failed `limit` times in it. In memory: a restart forgives.
public final class SignInThrottle: Sendable {
    let limit: Int
    let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])

    public init(limit: Int, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    /// Throws when `key` has used up its failures; the message says when to try again.
    public func admit(_ key: String, now: Date = Date()) throws {
        let retryAt: Date? = failures.withLock { all in
            let recent = (all[key] ?? []).filter { now.timeIntervalSince($0) < window }
            all[key] = recent.isEmpty ? nil : recent
            return recent.count >= limit ? recent[recent.count - limit].addingTimeInterval(window) : nil
        }
        if let retryAt {
            let minutes = max(1, Int((retryAt.timeIntervalSince(now) / 60).rounded(.up)))
            throw DirectoryError.invalidInput("Too many failed sign-in attempts. Try again in \(minutes) minute\(minutes == 1 ? "" : "s").")
        }
    }

    /// Notes a failed attempt.
    public func failed(_ key: String, now: Date = Date()) {
        failures.withLock { all in
            var recent = (all[key] ?? []).filter { now.timeIntervalSince($0) < window }
            recent.append(now)
            all[key] = recent
        }
    }

    /// Forgets a key's failures after a successful sign-in.
    public func succeeded(_ key: String) {
        failures.withLock { $0[key] = nil }
    }
}
