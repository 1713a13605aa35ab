import AWSWire
import Directory
import Foundation
import Hummingbird
import Mail
import QRCode

/// The access portal at its start URL (`/start/<identity store ID>`): sign-in with the instance's MFA rules
/// (registering an authenticator app when the instance makes users without one do so), then every account and
/// role assigned to the user, each opening the console as that role or showing fresh command-line credentials.
/// The pages call the access portal API (`ListAccounts`, `ListAccountRoles`, `GetRoleCredentials`, `Logout`)
/// with the session's bearer token, as AWS's portal does.
struct StartPages: Sendable {
    static let prefix = "/start/"

    let directory: Directory
    let renderer: PageRenderer
    let invoker: any OperationInvoker
    let outbox: Outbox
    /// Where people reach the server (links in mail).
    let site: PublicSite
    let sessions: WebSessions
    /// Console sessions, for "Management console".
    let consoleSessions: WebSessions
    /// Failed sign-ins per client address: thirty in 15 minutes stop that address for the rest of the window.
    let addressThrottle = SignInThrottle(limit: 30)
    /// Password reset mails per user: three in 15 minutes at most.
    let resetThrottle = SignInThrottle(limit: 3)

    init(
        directory: Directory, renderer: PageRenderer, invoker: any OperationInvoker, outbox: Outbox, site: PublicSite, consoleSessions: WebSessions
    ) {
        self.directory = directory
        self.renderer = renderer
        self.invoker = invoker
        self.outbox = outbox
        self.site = site
        self.consoleSessions = consoleSessions
        sessions = WebSessions(cookieName: "gatehouse_portal", alwaysSecure: site.isHTTPS)
    }

    func register<Context: PortalRequestContext>(on router: Router<Context>) {
        router.get("/start/:store") { request, context in await self.start(request, store: context.parameters.get("store") ?? "") }
        router.post("/start/:store/signin") { request, context in
            await self.signIn(request, store: context.parameters.get("store") ?? "", address: context.sourceIPAddress)
        }
        router.post("/start/:store/credentials") { request, context in
            await self.portalVisit(request, store: context.parameters.get("store") ?? "") { visit in await self.credentials(visit) }
        }
        router.post("/start/:store/console") { request, context in
            await self.portalVisit(request, store: context.parameters.get("store") ?? "") { visit in await self.console(visit, request: request) }
        }
        router.post("/start/:store/signout") { request, context in
            await self.portalVisit(request, store: context.parameters.get("store") ?? "") { visit in await self.signOut(visit, request: request) }
        }
        registerPasswordPages(on: router)
    }

    /// The start page: the dashboard when signed in to this instance, else the sign-in form.
    func start(_ request: Request, store: String) async -> Response {
        guard let instance = directory.snapshot.identityCenter.values.compactMap(\.instance).first(where: { $0.identityStoreId == store }) else {
            return renderer.message("No such access portal", "Check the start URL your administrator gave you.", status: .notFound)
        }
        if let (id, session) = sessions.session(for: request), let portal = session.portal, portal.identityStoreId == store {
            return await dashboard(PortalVisit(id: id, session: session, portal: portal, form: [:], store: store))
        }
        let started = sessions.formSession(for: request, secure: ConsolePages.isSecure(request))
        var values = StartSignInPage(store: store, csrf: started.session.csrf, mfaRequired: instance.signIn.mfaMode != "DISABLED")
        values.userName = PortalPages.parameters(request.uri.query ?? "")["username"] ?? ""
        var response = renderer.page("start-signin", values)
        if let cookie = started.cookie { response.setCookie(cookie) }
        return response
    }

    func signIn(_ request: Request, store: String, address: String) async -> Response {
        guard let (id, session) = sessions.session(for: request), let form = await PortalPages.form(request), session.accepts(csrf: form["csrf"]) else {
            return renderer.message("Sign-in expired", "Open the start URL again.", problem: "This form is out of date or was not sent from this page.", status: .forbidden)
        }
        var values = StartSignInPage(store: store, csrf: session.csrf, mfaRequired: true)
        var credentials = PortalCredentials(
            userName: form["username"] ?? "", password: form["password"] ?? "", newPassword: form["new_password"].flatMap { $0.isEmpty ? nil : $0 },
            mfaCode: form["mfa_code"].flatMap { $0.isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }, sourceIPAddress: address,
            userAgent: request.headers[.userAgent] ?? "")
        if form["step"] == "register" {
            guard let pending = session.pendingCredentials, let seed = session.pendingSeed else {
                return renderer.message("Sign-in expired", "Open the start URL again.", status: .forbidden)
            }
            credentials.userName = pending.userName
            credentials.password = pending.password
            credentials.newPassword = pending.newPassword
            credentials.registration = PortalMFARegistration(
                deviceName: (form["device_name"] ?? "").trimmingCharacters(in: .whitespaces), seed: seed,
                codes: ((form["code1"] ?? "").trimmingCharacters(in: .whitespaces), (form["code2"] ?? "").trimmingCharacters(in: .whitespaces)))
        }
        values.userName = credentials.userName
        do {
            try addressThrottle.admit(address)
            let portal = try await directory.portalWebSignIn(identityStoreId: store, credentials: credentials)
            addressThrottle.release(address)
            var signedIn = session
            signedIn.stage = .signedIn
            signedIn.portal = portal
            signedIn.signedInAt = Date()
            signedIn.pendingSeed = nil
            signedIn.pendingCredentials = nil
            let started = sessions.start(signedIn, replacing: id, secure: ConsolePages.isSecure(request))
            var response = ConsolePages.redirect(to: Self.prefix + store)
            response.setCookie(started.cookie)
            return response
        } catch let error as DirectoryError where error.kind == .passwordChangeRequired {
            values.askNewPassword = true
            values.error = error.message
            return renderer.page("start-signin", values)
        } catch let error as DirectoryError where error.kind == .mfaRegistrationRequired || (form["step"] == "register" && error.kind == .invalidInput) {
            // Register an authenticator app: a seed kept in the session, shown as a QR code and as text.
            let seed = session.pendingSeed ?? TOTP.randomSeed()
            var pending = credentials
            pending.registration = nil
            sessions.update(id) {
                $0.pendingSeed = seed
                $0.pendingCredentials = pending
            }
            if error.kind != .mfaRegistrationRequired { addressThrottle.failed(address) }
            let secret = TOTP.base32(seed)
            let uri = TOTP.provisioningURI(label: "\(values.userName)@\(store)", secret: secret)
            values.register = MFARegistration(secret: secret, qr: (try? QRCode(encoding: uri).svg(label: "QR code for the authenticator app")) ?? "")
            values.error = error.message
            return renderer.page("start-signin", values, status: error.kind == .mfaRegistrationRequired ? .ok : .unauthorized)
        } catch let error as DirectoryError where error.kind != .storage {
            if error.kind != .throttled { addressThrottle.failed(address) }
            values.error = error.message
            return renderer.page("start-signin", values, status: .unauthorized)
        } catch {
            values.error = "Sign-in failed for a reason on our side. Try again."
            return renderer.page("start-signin", values, status: .internalServerError)
        }
    }

    // MARK: Signed in

    /// A request from a signed-in portal session.
    struct PortalVisit {
        let id: String
        let session: WebSession
        let portal: PortalWebSession
        let form: [String: String]
        let store: String
    }

    func portalVisit(_ request: Request, store: String, _ page: (PortalVisit) async -> Response) async -> Response {
        guard let (id, session) = sessions.session(for: request), let portal = session.portal, portal.identityStoreId == store, portal.expires > Date() else {
            return ConsolePages.redirect(to: Self.prefix + store)
        }
        guard let form = await PortalPages.form(request), session.accepts(csrf: form["csrf"]) else {
            return renderer.message("Form expired", "Go back, reload the page and try again.", status: .forbidden)
        }
        return await page(PortalVisit(id: id, session: session, portal: portal, form: form, store: store))
    }

    /// Runs an access portal API operation with the session's token.
    func portalCall(_ operation: String, _ input: [String: AWSValue], _ visit: PortalVisit) async -> Result<AWSValue, AWSError> {
        var input = input
        input["accessToken"] = .string(visit.portal.accessToken)
        return await invoker.invoke(.ssoPortal, operation, .object(input), as: nil)
    }

    /// Every account assigned to the user, with its roles.
    func dashboard(_ visit: PortalVisit, problem: Problem? = nil) async -> Response {
        var values = StartDashboardPage(
            store: visit.store, csrf: visit.session.csrf, user: visit.portal.displayName.isEmpty ? visit.portal.userName : visit.portal.displayName,
            problem: problem)
        switch await portalCall("ListAccounts", ["maxResults": .integer(100)], visit) {
        case .failure(let error): values.problem = Problem(error)
        case .success(let output):
            for account in output["accountList"]?.list ?? [] {
                let accountId = account["accountId"]?.string ?? ""
                var row = AccountRow(accountId: accountId, name: account["accountName"]?.string ?? "", email: account["emailAddress"]?.string ?? "")
                if case .success(let roles) = await portalCall("ListAccountRoles", ["accountId": .string(accountId), "maxResults": .integer(100)], visit) {
                    row.roles = (roles["roleList"]?.list ?? []).compactMap { $0["roleName"]?.string }
                }
                values.accounts.append(row)
            }
        }
        return renderer.page("start-dashboard", values)
    }

    /// Fresh temporary credentials for one role, as shell exports, PowerShell and a credentials-file profile.
    func credentials(_ visit: PortalVisit) async -> Response {
        let accountId = visit.form["account"] ?? ""
        let role = visit.form["role"] ?? ""
        switch await portalCall("GetRoleCredentials", ["accountId": .string(accountId), "roleName": .string(role)], visit) {
        case .failure(let error): return await dashboard(visit, problem: Problem(error))
        case .success(let output):
            let credentials = output["roleCredentials"]
            let expiration = Date(timeIntervalSince1970: Double(credentials?["expiration"]?.integer ?? 0) / 1000)
            let values = StartCredentialsPage(
                store: visit.store, accountId: accountId, role: role, accessKeyId: credentials?["accessKeyId"]?.string ?? "",
                secretAccessKey: credentials?["secretAccessKey"]?.string ?? "", sessionToken: credentials?["sessionToken"]?.string ?? "",
                expiration: Timestamp.iso8601(expiration))
            return renderer.page("start-credentials", values)
        }
    }

    /// Opens the account console as the role: a console session of the role session the portal hands out,
    /// ending when its credentials do.
    func console(_ visit: PortalVisit, request: Request) async -> Response {
        let accountId = visit.form["account"] ?? ""
        let role = visit.form["role"] ?? ""
        guard case .success(let output) = await portalCall("GetRoleCredentials", ["accountId": .string(accountId), "roleName": .string(role)], visit),
            let keyId = output["roleCredentials"]?["accessKeyId"]?.string, let credential = directory.credential(accessKeyId: keyId),
            let principal = directory.principal(for: credential)
        else { return await dashboard(visit, problem: Problem(AWSError(code: "ForbiddenException", message: "No access to \(role) in \(accountId)."))) }
        var session = WebSession.anonymous()
        session.stage = .signedIn
        session.principal = principal
        session.signedInAt = Date()
        session.mfaAt = credential.mfaAt.map { Date(timeIntervalSince1970: $0) }
        session.expires = credential.expiresAt.map { Date(timeIntervalSince1970: $0) }
        let started = consoleSessions.start(session, secure: ConsolePages.isSecure(request))
        var response = ConsolePages.redirect(to: ConsolePages.prefix)
        response.setCookie(started.cookie)
        return response
    }

    /// Signs out: the portal API's Logout ends the token, and the session ends.
    func signOut(_ visit: PortalVisit, request: Request) async -> Response {
        _ = await portalCall("Logout", [:], visit)
        var response = ConsolePages.redirect(to: Self.prefix + visit.store)
        response.setCookie(sessions.end(visit.id, secure: ConsolePages.isSecure(request)))
        return response
    }
}

/// What the start page's sign-in form shows.
struct StartSignInPage {
    var store: String
    var csrf: String
    var mfaRequired: Bool
    var userName = ""
    var askNewPassword = false
    var error: String?
    /// When the user must register an authenticator app to sign in.
    var register: MFARegistration?
}

struct MFARegistration {
    var secret: String
    var qr: String
}

struct StartDashboardPage {
    var store: String
    var csrf: String
    var user: String
    var problem: Problem?
    var accounts: [AccountRow] = []
}

struct AccountRow {
    var accountId: String
    var name: String
    var email: String
    var roles: [String] = []
}

struct StartCredentialsPage {
    var store: String
    var accountId: String
    var role: String
    var accessKeyId: String
    var secretAccessKey: String
    var sessionToken: String
    var expiration: String
}
