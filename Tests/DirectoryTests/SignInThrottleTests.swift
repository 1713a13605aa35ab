import Directory
import Foundation
import Testing

/// The sign-in throttle's counting: failures in the window, and attempts still running.
struct SignInThrottleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func refusal(_ throttle: SignInThrottle, _ key: String, at time: Date) -> DirectoryError? {
        do {
            try throttle.admit(key, now: time)
            return nil
        } catch {
            return error as? DirectoryError
        }
    }

    @Test func attemptsRunningAtOnceCountAgainstTheLimit() {
        let throttle = SignInThrottle(limit: 5)
        for _ in 0..<5 { #expect(refusal(throttle, "alice", at: now) == nil) }
        let refused = refusal(throttle, "alice", at: now)
        #expect(refused?.kind == .throttled)
        #expect(refusal(throttle, "bob", at: now) == nil)
    }

    @Test func attemptsThatEndWithoutFailingGiveTheirPlaceBack() {
        let throttle = SignInThrottle(limit: 5)
        for _ in 0..<50 {
            #expect(refusal(throttle, "office", at: now) == nil)
            throttle.release("office")
        }
    }

    @Test func aPasswordStepThenAnMFAStepUseOnePlaceEach() {
        let throttle = SignInThrottle(limit: 5)
        for _ in 0..<4 {
            #expect(refusal(throttle, "carol", at: now) == nil)
            throttle.failed("carol", now: now)
        }
        // The fifth try: the password passes (its place given back), then the MFA step is let in and succeeds.
        #expect(refusal(throttle, "carol", at: now) == nil)
        throttle.release("carol")
        #expect(refusal(throttle, "carol", at: now) == nil)
        throttle.succeeded("carol")
        #expect(refusal(throttle, "carol", at: now) == nil)
    }

    @Test func fiveFailuresLockForTheWindowAndAnAttemptLeftRunningExpires() {
        let throttle = SignInThrottle(limit: 5)
        for _ in 0..<5 {
            #expect(refusal(throttle, "dave", at: now) == nil)
            throttle.failed("dave", now: now)
        }
        #expect(refusal(throttle, "dave", at: now.addingTimeInterval(14 * 60))?.message == "Too many failed sign-in attempts. Try again in 1 minute.")
        #expect(refusal(throttle, "dave", at: now.addingTimeInterval(15 * 60 + 1)) == nil)
        // An attempt that never ended holds its place for seconds, not for good.
        let stuck = SignInThrottle(limit: 1)
        #expect(refusal(stuck, "erin", at: now) == nil)
        #expect(refusal(stuck, "erin", at: now)?.kind == .throttled)
        #expect(refusal(stuck, "erin", at: now.addingTimeInterval(11)) == nil)
    }
}
