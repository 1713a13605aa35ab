import Foundation
import Synchronization

/// Counts failed sign-ins per key (a user, an address) in a sliding window, and refuses further
/// attempts once a key has failed `limit` times in it. Counted in memory; an observer (the directory's, for the
/// identities' lockouts) is told of each key that changed, to keep the count across restarts.
public final class SignInThrottle: Sendable {
    let limit: Int
    let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])
    private let observer = Mutex<(@Sendable (String) -> Void)?>(nil)

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
        observer.withLock { $0 }?(key)
    }

    /// Forgets a key's failures after a successful sign-in.
    public func succeeded(_ key: String) {
        let known = failures.withLock { $0.removeValue(forKey: key) != nil }
        if known { observer.withLock { $0 }?(key) }
    }

    /// Calls `observer` with each key whose failures change.
    func observe(_ observer: @escaping @Sendable (String) -> Void) {
        self.observer.withLock { $0 = observer }
    }

    /// `key`'s failures within the window.
    func recentFailures(_ key: String, now: Date = Date()) -> [Date] {
        failures.withLock { ($0[key] ?? []).filter { now.timeIntervalSince($0) < window } }
    }

    /// Takes failures kept from before (a restart), dropping those outside the window.
    func restore(_ kept: [String: [Date]], now: Date = Date()) {
        failures.withLock { all in
            for (key, dates) in kept {
                let recent = dates.filter { now.timeIntervalSince($0) < window }
                if !recent.isEmpty { all[key] = recent }
            }
        }
    }
}
