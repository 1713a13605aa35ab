import Directory
import Foundation
import Hummingbird
import Testing

@testable import Portal

@Suite struct WebSessionsTests {
    let sessions = WebSessions(cookieName: "test")
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func signedIn(at time: Date) -> WebSession {
        var session = WebSession.anonymous(now: time)
        session.stage = .signedIn
        session.principal = .root(of: "123456789012")
        session.signedInAt = time
        return session
    }

    @Test func aSignInStepReplacesTheTokenAndTheCSRFToken() {
        let anonymous = sessions.start(.anonymous(now: start), secure: false, now: start)
        let next = sessions.start(signedIn(at: start), replacing: anonymous.id, secure: false, now: start)
        #expect(sessions.session(token: anonymous.cookie.value, now: start) == nil)
        #expect(sessions.session(token: next.cookie.value, now: start)?.id == next.id)
        #expect(next.session.csrf != anonymous.session.csrf)
        #expect(next.cookie.httpOnly && next.cookie.sameSite == .lax && !next.cookie.secure)
        #expect(sessions.start(.anonymous(now: start), secure: true, now: start).cookie.secure)
    }

    @Test func signedInSessionsEndAfterAnIdleHour() {
        let started = sessions.start(signedIn(at: start), secure: false, now: start)
        #expect(sessions.session(token: started.cookie.value, now: start.addingTimeInterval(59 * 60)) != nil)
        // Each visit restarts the idle clock; an hour with no visit ends the session.
        #expect(sessions.session(token: started.cookie.value, now: start.addingTimeInterval(2 * 59 * 60)) != nil)
        #expect(sessions.session(token: started.cookie.value, now: start.addingTimeInterval(3 * 60 * 60)) == nil)
    }

    @Test func signedInSessionsEndTwelveHoursAfterSignInWhateverHappens() {
        let started = sessions.start(signedIn(at: start), secure: false, now: start)
        var time = start
        for _ in 0..<(12 * 2 - 1) {
            time = time.addingTimeInterval(30 * 60)
            #expect(sessions.session(token: started.cookie.value, now: time) != nil)
        }
        #expect(sessions.session(token: started.cookie.value, now: time.addingTimeInterval(30 * 60)) == nil)
    }

    @Test func anonymousSessionsLastFifteenIdleMinutes() {
        let started = sessions.start(.anonymous(now: start), secure: false, now: start)
        #expect(sessions.session(token: started.cookie.value, now: start.addingTimeInterval(16 * 60)) == nil)
    }

    @Test func onlyTheSessionsOwnTokenPassesItsForms() {
        let session = WebSession.anonymous(now: start)
        #expect(session.accepts(csrf: session.csrf))
        #expect(!session.accepts(csrf: nil))
        #expect(!session.accepts(csrf: String(repeating: "0", count: 64)))
        #expect(!session.accepts(csrf: String(session.csrf.prefix(63))))
    }
}

@Suite struct WebSessionsCapacityTests {
    @Test func pastCapacityUnusedSignInFormsGoBeforeSignedInSessions() {
        let sessions = WebSessions(cookieName: "test", capacity: 3)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var member = WebSession.anonymous(now: start)
        member.stage = .signedIn
        member.signedInAt = start
        let signedIn = sessions.start(member, secure: false, now: start)
        let forms = (1...5).map { sessions.start(.anonymous(now: start), secure: false, now: start.addingTimeInterval(Double($0))) }
        let later = start.addingTimeInterval(10)
        #expect(sessions.session(token: signedIn.cookie.value, now: later) != nil)
        #expect(forms.filter { sessions.session(token: $0.cookie.value, now: later) != nil }.count == 2)
        #expect(sessions.session(token: forms[4].cookie.value, now: later) != nil)
    }
}

@Suite struct ConsoleCSVTests {
    @Test func fieldsAreQuotedAndFormulasDisarmed() {
        #expect(ConsolePages.csvRow(["a,b", "say \"hi\"", "=SUM(A1)", "-x", "plain"]) == "\"a,b\",\"say \"\"hi\"\"\",\"'=SUM(A1)\",\"'-x\",\"plain\"\r\n")
        // A secret is never altered: a password or secret key starting with `+` must download as it is.
        #expect(ConsolePages.csvRow(["+name", "+Secret/Key=="], secrets: [1]) == "\"'+name\",\"+Secret/Key==\"\r\n")
    }
}

@Suite struct WebSessionsRevocationTests {
    @Test func aPasswordChangeEndsTheUsersOtherSessions() {
        let sessions = WebSessions(cookieName: "test")
        let now = Date()
        func signedIn(_ principal: Principal) -> (id: String, token: String) {
            var session = WebSession.anonymous(now: now)
            session.stage = .signedIn
            session.principal = principal
            session.signedInAt = now
            let started = sessions.start(session, secure: false, now: now)
            return (started.id, started.cookie.value)
        }
        let alice = Principal.root(of: "111111111111")
        let here = signedIn(alice)
        let elsewhere = signedIn(alice)
        let bob = signedIn(.root(of: "222222222222"))
        sessions.endOthers(of: alice, keeping: here.id)
        #expect(sessions.session(token: here.token, now: now) != nil)
        #expect(sessions.session(token: elsewhere.token, now: now) == nil)
        #expect(sessions.session(token: bob.token, now: now) != nil)
    }
}
