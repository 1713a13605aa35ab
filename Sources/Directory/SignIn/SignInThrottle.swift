import Foundation
import Synchronization

/// Counts failed sign-ins per key (a user, an address) in a sliding window, and refuses further
/// attempts once a key has failed `limit` times in it. An attempt counts from the moment it is admitted (until it
/// fails or succeeds, or for a minute at most), so that attempts made at once cannot all start before the first
/// fails. Counted in memory; an observer (the directory's, for the identities' lockouts) is told of each key whose
/// failures changed, to keep the count across restarts.
public final class SignInThrottle: Sendable {
    let limit: Int
    let window: TimeInterval
    /// How long an admitted attempt holds its place, at most (an attempt is a bcrypt check: well under this).
    static let attemptLifetime: TimeInterval = 10

    struct Counts {
        var failures: [String: [Date]] = [:]
        /// Attempts admitted that have not failed or succeeded yet, by when they were admitted.
        var inFlight: [String: [Date]] = [:]
        var sinceSweep = 0
    }

    private let counts = Mutex(Counts())
    private let observer = Mutex<(@Sendable ([String]) -> Void)?>(nil)
    /// Failures noted since keys whose failures all expired were last dropped.
    static let sweepEvery = 1_024

    public init(limit: Int, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    /// Throws when `key` has used up its failures (attempts still running count as failures); the message says when to
    /// try again. Otherwise the attempt holds a place until ``failed(_:now:)`` or ``succeeded(_:)``.
    public func admit(_ key: String, now: Date = Date()) throws {
        let retryAt: Date? = counts.withLock { counts in
            let recent = (counts.failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
            let running = (counts.inFlight[key] ?? []).filter { now.timeIntervalSince($0) < Self.attemptLifetime }
            counts.failures[key] = recent.isEmpty ? nil : recent
            if recent.count >= limit { return recent[recent.count - limit].addingTimeInterval(window) }
            if recent.count + running.count >= limit { return now.addingTimeInterval(Self.attemptLifetime) }
            counts.inFlight[key] = running + [now]
            return nil
        }
        if let retryAt {
            let minutes = max(1, Int((retryAt.timeIntervalSince(now) / 60).rounded(.up)))
            throw DirectoryError(.throttled, "Too many failed sign-in attempts. Try again in \(minutes) minute\(minutes == 1 ? "" : "s").")
        }
    }

    /// Notes a failed attempt (in place of the oldest one running).
    public func failed(_ key: String, now: Date = Date()) {
        let changed: [String] = counts.withLock { counts in
            var recent = (counts.failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
            recent.append(now)
            counts.failures[key] = recent
            if var running = counts.inFlight[key], !running.isEmpty {
                running.removeFirst()
                counts.inFlight[key] = running.isEmpty ? nil : running
            }
            counts.sinceSweep += 1
            guard counts.sinceSweep >= Self.sweepEvery else { return [key] }
            // Names tried once and never again (guessed ones, mostly) do not stay forever.
            counts.sinceSweep = 0
            let expired = counts.failures.filter { $0.value.allSatisfy { now.timeIntervalSince($0) >= window } }.map(\.key)
            for stale in expired { counts.failures[stale] = nil }
            counts.inFlight = counts.inFlight.filter { $0.value.contains { now.timeIntervalSince($0) < Self.attemptLifetime } }
            return [key] + expired
        }
        observer.withLock { $0 }?(changed)
    }

    /// Gives back the place of an attempt that neither failed nor finished a sign-in (a password step that passed,
    /// with MFA still to come; a sign-in that succeeded, for a key such as an address whose failures it does not forgive).
    public func release(_ key: String) {
        counts.withLock { counts in
            guard var running = counts.inFlight[key], !running.isEmpty else { return }
            running.removeFirst()
            counts.inFlight[key] = running.isEmpty ? nil : running
        }
    }

    /// Forgets a key's failures, and its attempts running, after a successful sign-in.
    public func succeeded(_ key: String) {
        let known = counts.withLock { counts in
            counts.inFlight[key] = nil
            return counts.failures.removeValue(forKey: key) != nil
        }
        if known { observer.withLock { $0 }?([key]) }
    }

    /// Calls `observer` with the keys whose failures changed (or were dropped, all expired).
    func observe(_ observer: @escaping @Sendable ([String]) -> Void) {
        self.observer.withLock { $0 = observer }
    }

    /// `key`'s failures within the window.
    func recentFailures(_ key: String, now: Date = Date()) -> [Date] {
        counts.withLock { ($0.failures[key] ?? []).filter { now.timeIntervalSince($0) < window } }
    }

    /// Takes failures kept from before (a restart), dropping those outside the window.
    func restore(_ kept: [String: [Date]], now: Date = Date()) {
        counts.withLock { counts in
            for (key, dates) in kept {
                let recent = dates.filter { now.timeIntervalSince($0) < window }
                if !recent.isEmpty { counts.failures[key] = recent }
            }
        }
    }
}
