import Directory
import Foundation
import Hummingbird

extension ConsolePages {
    func registerSignIn<Context: PortalRequestContext>(on router: Router<Context>) {
        router.get(RouterPath(Self.prefix + "/signin")) { request, _ in self.showSignIn(request) }
        router.post(RouterPath(Self.prefix + "/signin")) { request, context in await self.submitSignIn(request, address: context.sourceIPAddress) }
        router.post(RouterPath(Self.prefix + "/mfa")) { request, context in await self.submitMFA(request, address: context.sourceIPAddress) }
        router.post(RouterPath(Self.prefix + "/signout")) { request, context in
            await self.signedIn(request, context, allowWhilePasswordExpired: true) { visit in
                var response = Self.redirect(to: Self.prefix + "/signin")
                response.setCookie(self.sessions.end(visit.id, secure: visit.secure))
                return response
            }
        }
    }

    /// The first step: root user (email) or IAM user (account ID or alias).
    func showSignIn(_ request: Request) -> Response {
        if let (_, session) = sessions.session(for: request), case .signedIn = session.stage { return Self.redirect(to: Self.prefix) }
        let query = PortalPages.parameters(request.uri.query ?? "")
        let started = sessions.formSession(for: request, secure: Self.isSecure(request))
        var values = SignInPage(csrf: started.session.csrf)
        values.identify = true
        values.signupOpen = allowSignup
        values.account = query["account"] ?? ""
        var response = renderer.page("console-signin", values)
        if let cookie = started.cookie { response.setCookie(cookie) }
        return response
    }

    func submitSignIn(_ request: Request, address: String) async -> Response {
        guard let (id, session) = sessions.session(for: request), let form = await PortalPages.form(request), session.accepts(csrf: form["csrf"]) else {
            return expiredSignIn()
        }
        var values = SignInPage(csrf: session.csrf)
        values.root = form["kind"] != "iam"
        values.email = form["email"] ?? ""
        values.account = form["account"] ?? ""
        values.userName = form["username"] ?? ""
        guard form["step"] == "password" else {
            values.passwordStep = true
            return renderer.page("console-signin", values)
        }
        let source = SignInSource(sourceIPAddress: address, userAgent: request.headers[.userAgent] ?? "")
        do {
            try addressThrottle.admit(address)
            let signIn =
                values.root
                ? try await directory.consoleSignIn(rootEmail: values.email, password: form["password"] ?? "", source: source)
                : try await directory.consoleSignIn(account: values.account, userName: values.userName, password: form["password"] ?? "", source: source)
            addressThrottle.release(address)
            if !signIn.needsMFA { return try await finish(signIn, mfaCode: nil, sessionId: id, session: session, request: request) }
            var waiting = session
            waiting.stage = .passwordChecked(signIn)
            let started = sessions.start(waiting, replacing: id, secure: Self.isSecure(request))
            var response = mfaPage(signIn, sessionId: started.id)
            response.setCookie(started.cookie)
            return response
        } catch {
            values.passwordStep = true
            values.error = failure(error, address: address)
            return renderer.page("console-signin", values, status: .unauthorized)
        }
    }

    func submitMFA(_ request: Request, address: String) async -> Response {
        guard let (id, session) = sessions.session(for: request), let form = await PortalPages.form(request), session.accepts(csrf: form["csrf"]),
            case .passwordChecked(let signIn) = session.stage
        else { return expiredSignIn() }
        do {
            try addressThrottle.admit(address)
            let code = (form["mfa_code"] ?? "").trimmingCharacters(in: .whitespaces)
            let response = try await finish(signIn, mfaCode: code, sessionId: id, session: session, request: request)
            addressThrottle.release(address)
            return response
        } catch {
            return mfaPage(signIn, sessionId: id, problem: failure(error, address: address), status: .unauthorized)
        }
    }

    /// Completes the sign-in and replaces the session with a signed-in one under a new token.
    func finish(
        _ signIn: ConsoleSignIn, mfaCode: String?, securityKey: SecurityKeyAssertion? = nil, sessionId: String, session: WebSession, request: Request
    ) async throws -> Response {
        let mfaAt = try await directory.completeConsoleSignIn(signIn, mfaCode: mfaCode, securityKey: securityKey)
        var signedIn = session
        signedIn.stage = .signedIn
        signedIn.principal = signIn.principal
        signedIn.mfaAt = mfaAt
        signedIn.signedInAt = Date()
        signedIn.mustChangePassword = signIn.passwordResetRequired
        let started = sessions.start(signedIn, replacing: sessionId, secure: Self.isSecure(request))
        var response = Self.redirect(to: signIn.passwordResetRequired ? Self.prefix + "/password" : Self.prefix)
        response.setCookie(started.cookie)
        return response
    }

    /// The words a failed step shows; failures other than our own count against the address.
    func failure(_ error: any Error, address: String) -> String {
        guard let error = error as? DirectoryError, error.kind != .storage else { return "Sign-in failed for a reason on our side. Try again." }
        // A refusal by the throttle is no attempt: counting it would make every retry lengthen the lock.
        if error.kind != .throttled { addressThrottle.failed(address) }
        return error.message
    }

    func expiredSignIn() -> Response {
        renderer.message(
            "Sign-in expired", "Open the sign-in page again.", problem: "This form is out of date or was not sent from this page.", status: .forbidden)
    }
}

/// What the console sign-in page shows at each step.
struct SignInPage {
    var csrf: String
    var error: String?
    /// Step one: choose root user or IAM user.
    var identify = false
    /// Step two: the password (for root, after the email; for an IAM user, with account and user name).
    var passwordStep = false
    /// Step three: the MFA code.
    var mfaStep = false
    var root = true
    var email = ""
    var account = ""
    var userName = ""
    var identity = ""
    /// Step one links to public sign-up when the server offers it.
    var signupOpen = false
    /// The MFA step offers a code field when the identity has an authenticator app.
    var hasAuthenticatorApp = true
    /// The MFA step's security key challenge, when the identity has security keys.
    var securityKey: SecurityKeyChallenge?

    init(csrf: String) {
        self.csrf = csrf
    }

    static func mfa(csrf: String, principal: Principal) -> SignInPage {
        var page = SignInPage(csrf: csrf)
        page.mfaStep = true
        page.identity = principal.kind == .root ? "the root user of account \(principal.accountId)" : "\(principal.username) in account \(principal.accountId)"
        return page
    }
}
