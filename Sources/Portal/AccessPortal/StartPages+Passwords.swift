import Directory
import Foundation
import Hummingbird
import Mail

extension StartPages {
    func registerPasswordPages<Context: PortalRequestContext>(on router: Router<Context>) {
        router.get("/start/:store/forgot") { request, context in self.forgotForm(request, store: context.parameters.get("store") ?? "") }
        router.post("/start/:store/forgot") { request, context in await self.forgot(request, store: context.parameters.get("store") ?? "") }
        router.get("/start/:store/setup") { request, context in self.setupForm(request, store: context.parameters.get("store") ?? "") }
        router.post("/start/:store/setup") { request, context in
            await self.setup(request, store: context.parameters.get("store") ?? "", address: context.sourceIPAddress)
        }
    }

    /// Sends a user their invitation (from the console or the CLI's wording); returns the address it went to.
    static func sendInvitation(_ issued: IssuedPasswordSetup, store: String, site: PublicSite, outbox: Outbox) throws -> String {
        let letter = Letters.invitation(
            displayName: issued.displayName, userName: issued.userName,
            link: Letters.setupLink(portal: site.url, identityStoreId: store, token: issued.token), expires: issued.expires)
        try outbox.send(to: issued.email, subject: letter.subject, text: letter.text)
        return issued.email
    }

    func forgotForm(_ request: Request, store: String) -> Response {
        let started = sessions.formSession(for: request, secure: ConsolePages.isSecure(request))
        var response = renderer.page("start-forgot", ForgotPage(store: store, csrf: started.session.csrf, sent: false))
        if let cookie = started.cookie { response.setCookie(cookie) }
        return response
    }

    /// Mails a reset link when the user exists and has an address; the answer is the same either way, and comes
    /// before the link is made and mailed (in a task of its own), so neither the page nor its timing tells which user
    /// names exist. Three requests per user in 15 minutes at most.
    func forgot(_ request: Request, store: String) async -> Response {
        guard let (_, session) = sessions.session(for: request), let form = await PortalPages.form(request), session.accepts(csrf: form["csrf"]) else {
            return renderer.message("Form expired", "Open the start URL again.", status: .forbidden)
        }
        let userName = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let key = store + "/" + userName.lowercased()
        if (try? resetThrottle.admit(key)) != nil {
            resetThrottle.failed(key)
            let (directory, outbox, portal) = (directory, outbox, site.url)
            Task {
                guard let issued = try? await directory.issuePasswordSetup(identityStoreId: store, userName: userName, purpose: .reset) else { return }
                let letter = Letters.passwordReset(
                    displayName: issued.displayName, userName: issued.userName,
                    link: Letters.setupLink(portal: portal, identityStoreId: store, token: issued.token), expires: issued.expires)
                _ = try? outbox.send(to: issued.email, subject: letter.subject, text: letter.text)
            }
        }
        return renderer.page("start-forgot", ForgotPage(store: store, csrf: session.csrf, sent: true))
    }

    /// The link from the mail: its token moves into a session at once and the browser is sent on without it,
    /// so the token stays out of the address bar and history after the first hop.
    func setupForm(_ request: Request, store: String) -> Response {
        if let token = PortalPages.parameters(request.uri.query ?? "")["token"] {
            guard let setup = directory.passwordSetup(token: token), setup.identityStoreId == store else {
                return renderer.message("Link not valid", "This link has expired or was used already. Ask for a new one.", status: .notFound)
            }
            guard !sessions.isSignedIn(request) else {
                return renderer.message("Signed in already", "Sign out of the access portal first, then open the link from your email again.", status: .conflict)
            }
            var session = WebSession.anonymous()
            session.setupToken = token
            let started = sessions.start(session, replacing: sessions.session(for: request)?.id, secure: ConsolePages.isSecure(request))
            var response = ConsolePages.redirect(to: "/start/\(store)/setup")
            response.setCookie(started.cookie)
            return response
        }
        guard let (_, session) = sessions.session(for: request), let token = session.setupToken, let setup = directory.passwordSetup(token: token) else {
            return renderer.message("Link not valid", "Open the link from your email again.", status: .notFound)
        }
        return renderer.page("start-setup", SetupPage(store: store, csrf: session.csrf, userName: setup.userName, invitation: setup.purpose == .invitation))
    }

    func setup(_ request: Request, store: String, address: String) async -> Response {
        guard let (id, session) = sessions.session(for: request), let form = await PortalPages.form(request), session.accepts(csrf: form["csrf"]),
            let token = session.setupToken, let setup = directory.passwordSetup(token: token)
        else { return renderer.message("Link not valid", "Open the link from your email again.", status: .forbidden) }
        var values = SetupPage(store: store, csrf: session.csrf, userName: setup.userName, invitation: setup.purpose == .invitation)
        guard form["password"] == form["confirm_password"] else {
            values.error = "The passwords do not match."
            return renderer.page("start-setup", values, status: .badRequest)
        }
        do {
            _ = try await directory.completePasswordSetup(
                token: token, password: form["password"] ?? "", source: SignInSource(sourceIPAddress: address, userAgent: request.headers[.userAgent] ?? ""))
        } catch let error as DirectoryError where error.kind != .storage {
            values.error = error.message
            return renderer.page("start-setup", values, status: .badRequest)
        } catch {
            values.error = "The password could not be saved for a reason on our side. Try again."
            return renderer.page("start-setup", values, status: .internalServerError)
        }
        var response = ConsolePages.redirect(to: "/start/\(store)?username=\(setup.userName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
        response.setCookie(sessions.end(id, secure: ConsolePages.isSecure(request)))
        return response
    }
}

struct ForgotPage {
    var store: String
    var csrf: String
    var sent: Bool
}

struct SetupPage {
    var store: String
    var csrf: String
    var userName: String
    var invitation: Bool
    var error: String?
}
