import Directory
import Foundation
import Hummingbird
import Synchronization

/// A browser's session with the console: who signed in, how far the sign-in got, and the token its forms carry.
struct WebSession: Sendable {
    /// How far the sign-in has got.
    enum Stage: Sendable {
        /// Nobody has signed in yet: the session only carries the sign-in form's CSRF token.
        case anonymous
        /// The password was right; the MFA step (or the new password) is still to come.
        case passwordChecked(ConsoleSignIn)
        /// Signed in.
        case signedIn
    }

    var stage: Stage
    var principal: Principal?
    /// When the MFA code was checked; `nil` when the sign-in asked for none.
    var mfaAt: Date?
    var signedInAt: Date?
    /// The console allows nothing but choosing a new password until this is `false`.
    var mustChangePassword = false
    /// The token every form of this session carries (synchronizer token).
    var csrf: String
    let created: Date
    var lastSeen: Date
    /// An authenticator app being assigned, waiting for its codes.
    var pendingMFA: PendingMFADevice?
    /// For a console session opened from the access portal: when its role credentials end (so does the session).
    var expires: Date?
    /// An access portal session: the portal API token its pages call with.
    var portal: PortalWebSession?
    /// The seed of an authenticator app a portal user is registering at sign-in (never sent in a form).
    var pendingSeed: [UInt8]?
    /// What a portal user signed in with before being asked to register an authenticator app: held in
    /// memory until the registration step (at most the 15 minutes an unsigned-in session lives), never in a page.
    var pendingCredentials: PortalCredentials?
    /// The WebAuthn challenge the current page issued (single use: taken when the answer comes back).
    var webAuthnChallenge: [UInt8]?
    /// The name a security key being registered will get.
    var pendingKeyName: String?
    /// The token of the password set-up link this browser opened (kept here, not in the page's address).
    var setupToken: String?
    /// A CSV with a secret shown once (a new password or access key), waiting to be downloaded once.
    var download: PendingDownload?

    /// A session for a sign-in form, before anyone has signed in.
    static func anonymous(now: Date = Date()) -> WebSession {
        WebSession(stage: .anonymous, csrf: Identifiers.hex(64), created: now, lastSeen: now)
    }

    /// Whether `token` (from a posted form) is this session's CSRF token.
    func accepts(csrf token: String?) -> Bool {
        guard let token, token.utf8.count == 64 else { return false }
        return ConstantTime.equals(Array(token.utf8), Array(csrf.utf8))
    }
}

/// A virtual MFA device created and shown to the person, waiting for their two codes.
struct PendingMFADevice: Sendable {
    var serialNumber: String
    var deviceName: String
}

/// A file the console offers once, right after it showed the secret in it; it is dropped when fetched or after ten minutes.
struct PendingDownload: Sendable {
    var fileName: String
    var content: String
    var expires: Date
}

/// The console's sessions, in memory: a random 256-bit token in an `HttpOnly`, `SameSite=Lax` cookie
/// (`Secure` over TLS) names a session; only the token's SHA-256 is kept. Sessions end after 15 idle minutes
/// (an anonymous one) or an hour (a signed-in one), and 12 hours after sign-in whatever happens; a new token
/// is issued whenever the sign-in advances, so a token seen before sign-in is worth nothing after it.
final class WebSessions: Sendable {
    let cookieName: String
    let idleTimeout: TimeInterval = 60 * 60
    let anonymousTimeout: TimeInterval = 15 * 60
    let absoluteTimeout: TimeInterval = 12 * 60 * 60
    /// At most this many sessions are kept; past it, the least recently seen ones not signed in are dropped first.
    let capacity: Int
    private let sessions = Mutex<[String: WebSession]>([:])
    /// When timed-out sessions were last swept (at most once a minute, so opening a form stays cheap).
    private let lastSweep = Mutex(Date.distantPast)

    /// Cookies are `Secure` whatever the request says (the public URL is https, so a TLS proxy is in front).
    let alwaysSecure: Bool

    init(cookieName: String, capacity: Int = 50_000, alwaysSecure: Bool = false) {
        self.cookieName = cookieName
        self.capacity = capacity
        self.alwaysSecure = alwaysSecure
    }

    /// The request's live session, touched; `nil` when it has none or it timed out.
    func session(for request: Request, now: Date = Date()) -> (id: String, session: WebSession)? {
        session(token: request.cookies[cookieName]?.value, now: now)
    }

    /// The live session `token` names, touched; `nil` when there is none or it timed out.
    func session(token: String?, now: Date = Date()) -> (id: String, session: WebSession)? {
        guard let token, token.utf8.count == 64 else { return nil }
        let id = SignInState.digest(token)
        return sessions.withLock { all -> (String, WebSession)? in
            guard var session = all[id] else { return nil }
            guard isAlive(session, now: now) else {
                all[id] = nil
                return nil
            }
            session.lastSeen = now
            all[id] = session
            return (id, session)
        }
    }

    /// Stores `session` under a new token with a new CSRF token, dropping the session `replacing` names
    /// (a sign-in step never keeps a token); returns the new ID and the cookie that carries the token.
    func start(_ session: WebSession, replacing old: String? = nil, secure: Bool, now: Date = Date()) -> (id: String, session: WebSession, cookie: Cookie) {
        let token = Identifiers.hex(64)
        let id = SignInState.digest(token)
        var fresh = session
        fresh.csrf = Identifiers.hex(64)
        fresh.lastSeen = now
        let sweep = lastSweep.withLock { last in
            guard now.timeIntervalSince(last) >= 60 else { return false }
            last = now
            return true
        }
        sessions.withLock { all in
            if let old { all[old] = nil }
            if sweep { all = all.filter { isAlive($0.value, now: now) } }
            if all.count >= capacity {
                // Someone is opening sign-in forms in bulk: unused forms go first, then sign-ins waiting for MFA,
                // then signed-in sessions, each the least recently seen first.
                let victims = all.sorted { (Self.rank($0.value), $0.value.lastSeen) < (Self.rank($1.value), $1.value.lastSeen) }
                for (victim, _) in victims.prefix(all.count - capacity + 1) { all[victim] = nil }
            }
            all[id] = fresh
        }
        return (id, fresh, cookie(token, secure: secure))
    }

    /// The session a page with a form uses: the browser's signed-in session if it has one (a link from another
    /// site must not sign anyone out), else a new one before sign-in, replacing any other. The cookie is `nil`
    /// when the browser keeps its session.
    func formSession(for request: Request, secure: Bool, now: Date = Date()) -> (id: String, session: WebSession, cookie: Cookie?) {
        let current = session(for: request, now: now)
        if let (id, session) = current, Self.isSignedIn(session) { return (id, session, nil) }
        let started = start(.anonymous(now: now), replacing: current?.id, secure: secure, now: now)
        return (started.id, started.session, started.cookie)
    }

    /// Whether the browser is signed in (then a link carrying a token must not replace its session).
    func isSignedIn(_ request: Request) -> Bool {
        session(for: request).map { Self.isSignedIn($0.session) } ?? false
    }

    /// Saves a changed session under its ID.
    func update(_ id: String, _ change: (inout WebSession) -> Void) {
        sessions.withLock { all in
            if var session = all[id] {
                change(&session)
                all[id] = session
            }
        }
    }

    /// Ends a session; returns the cookie that clears it in the browser.
    func end(_ id: String?, secure: Bool) -> Cookie {
        if let id { sessions.withLock { $0[id] = nil } }
        return Cookie(name: cookieName, value: "", maxAge: 0, path: "/", secure: secure || alwaysSecure, httpOnly: true, sameSite: .lax)
    }

    /// Which sessions go first when there are too many: before sign-in, then waiting for MFA, then signed in.
    static func rank(_ session: WebSession) -> Int {
        switch session.stage {
        case .anonymous: 0
        case .passwordChecked: 1
        case .signedIn: 2
        }
    }

    /// Ends every other session of `principal` (after a password change).
    func endOthers(of principal: Principal, keeping id: String) {
        sessions.withLock { all in
            all = all.filter { $0.key == id || $0.value.principal?.arn != principal.arn || principal.arn.isEmpty }
        }
    }

    static func isSignedIn(_ session: WebSession) -> Bool {
        if case .signedIn = session.stage { return true }
        return false
    }

    func isAlive(_ session: WebSession, now: Date) -> Bool {
        if let expires = session.expires, expires <= now { return false }
        if case .signedIn = session.stage {
            let signedIn = session.signedInAt ?? session.created
            return now.timeIntervalSince(session.lastSeen) < idleTimeout && now.timeIntervalSince(signedIn) < absoluteTimeout
        }
        return now.timeIntervalSince(session.lastSeen) < anonymousTimeout
    }

    func cookie(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: token, path: "/", secure: secure || alwaysSecure, httpOnly: true, sameSite: .lax)
    }
}
