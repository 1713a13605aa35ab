import Directory
import Foundation
import Hummingbird
import Mail

extension ConsolePages {
    static let signupPath = prefix + "/signup"

    func registerSignup<Context: PortalRequestContext>(on router: Router<Context>) {
        router.get(RouterPath(Self.signupPath)) { request, _ in self.signupForm(request) }
        router.post(RouterPath(Self.signupPath)) { request, context in await self.signup(request, address: context.sourceIPAddress) }
        router.get(RouterPath(Self.signupPath + "/verify")) { request, _ in await self.verifyForm(request) }
        router.post(RouterPath(Self.signupPath + "/verify")) { request, context in await self.verify(request, address: context.sourceIPAddress) }
    }

    func signupClosed() -> Response {
        renderer.message("Sign-up is closed", "Ask the operator of this server for an account.", status: .notFound)
    }

    func signupForm(_ request: Request, values: SignupPage? = nil, status: HTTPResponse.Status = .ok) -> Response {
        guard allowSignup else { return signupClosed() }
        let started = sessions.formSession(for: request, secure: Self.isSecure(request))
        var page = values ?? SignupPage()
        page.csrf = started.session.csrf
        var response = renderer.page("console-signup", page, status: status)
        if let cookie = started.cookie { response.setCookie(cookie) }
        return response
    }

    /// Records the sign-up and mails the link that creates the account; ten sign-ups in 15 minutes per address at most.
    func signup(_ request: Request, address: String) async -> Response {
        guard allowSignup else { return signupClosed() }
        guard let (_, session) = sessions.session(for: request), let form = await PortalPages.form(request), session.accepts(csrf: form["csrf"]) else {
            return renderer.message("Form expired", "Open the sign-up page again.", status: .forbidden)
        }
        var values = SignupPage(email: form["email"] ?? "", accountName: form["account_name"] ?? "")
        guard form["password"] == form["confirm_password"] else {
            values.error = "The passwords do not match."
            return signupForm(request, values: values, status: .badRequest)
        }
        do {
            try signupThrottle.admit(address)
            signupThrottle.failed(address)
            let token = try await directory.startSignup(name: values.accountName, email: values.email, password: form["password"] ?? "")
            let link = site.url + Self.signupPath + "/verify?token=" + token
            let letter = Letters.signupVerification(accountName: values.accountName, link: link, expires: Date().addingTimeInterval(86_400))
            try outbox.send(to: values.email, subject: letter.subject, text: letter.text)
            return renderer.message("Check your email", "We sent a link to \(values.email). Open it within 24 hours to create the account.")
        } catch let error as DirectoryError where error.kind != .storage {
            values.error = error.message
            return signupForm(request, values: values, status: .badRequest)
        } catch {
            values.error = "Sign-up failed for a reason on our side. Try again."
            return signupForm(request, values: values, status: .internalServerError)
        }
    }

    /// The link from the mail: the token moves into a session and the page asks for a click to create the
    /// account (a mail scanner that opens links creates nothing).
    func verifyForm(_ request: Request) async -> Response {
        guard allowSignup else { return signupClosed() }
        if let token = PortalPages.parameters(request.uri.query ?? "")["token"] {
            guard !sessions.isSignedIn(request) else {
                return renderer.message("Signed in already", "Sign out of the console first, then open the link from your email again.", status: .conflict)
            }
            var session = WebSession.anonymous()
            session.setupToken = token
            let started = sessions.start(session, replacing: sessions.session(for: request)?.id, secure: Self.isSecure(request))
            var response = Self.redirect(to: Self.signupPath + "/verify")
            response.setCookie(started.cookie)
            return response
        }
        guard let (_, session) = sessions.session(for: request), let token = session.setupToken,
            let signup = try? await directory.pendingSignup(token: token)
        else { return renderer.message("Link not valid", "This verification link has expired or was used already. Sign up again.", status: .notFound) }
        return renderer.page("console-signup-verify", SignupPage(csrf: session.csrf, email: signup.email, accountName: signup.name))
    }

    func verify(_ request: Request, address: String) async -> Response {
        guard allowSignup else { return signupClosed() }
        guard let (id, session) = sessions.session(for: request), let form = await PortalPages.form(request), session.accepts(csrf: form["csrf"]),
            let token = session.setupToken
        else { return renderer.message("Link not valid", "Open the link from your email again.", status: .forbidden) }
        do {
            let created = try await directory.completeSignup(
                token: token, source: SignInSource(sourceIPAddress: address, userAgent: request.headers[.userAgent] ?? ""))
            var response = renderer.page("console-signup-done", SignupDone(accountId: created.accountId))
            response.setCookie(sessions.end(id, secure: Self.isSecure(request)))
            return response
        } catch let error as DirectoryError where error.kind != .storage {
            return renderer.message("Account not created", error.message, status: .badRequest)
        } catch {
            return renderer.message("Account not created", "Something failed on our side. Try again.", status: .internalServerError)
        }
    }
}

struct SignupPage {
    var csrf = ""
    var email = ""
    var accountName = ""
    var error: String?
}

struct SignupDone {
    var accountId: String
}
