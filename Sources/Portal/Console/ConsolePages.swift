import AWSWire
import Directory
import Foundation
import Hummingbird
import Mail

/// The account console: sign-in (root user or IAM user, then MFA), the security dashboard, the signed-in
/// person's own security credentials, and the administration pages journey 2 needs. Every action a page
/// takes is an AWS operation run through ``OperationInvoker`` as the signed-in person.
struct ConsolePages: Sendable {
    /// Every console page lives under this path.
    static let prefix = "/console"

    let directory: Directory
    let renderer: PageRenderer
    let invoker: any OperationInvoker
    /// Where invitations go.
    let outbox: Outbox
    /// Where people reach the server (links in mail, security keys).
    let site: PublicSite
    /// Whether `/console/signup` is open.
    let allowSignup: Bool
    let sessions: WebSessions
    /// Failed sign-ins per client address: thirty in 15 minutes stop that address for the rest of the window.
    let addressThrottle = SignInThrottle(limit: 30)
    /// Sign-ups per client address: ten in 15 minutes at most.
    let signupThrottle = SignInThrottle(limit: 10)

    init(directory: Directory, renderer: PageRenderer, invoker: any OperationInvoker, outbox: Outbox, site: PublicSite, allowSignup: Bool) {
        self.directory = directory
        self.renderer = renderer
        self.invoker = invoker
        self.outbox = outbox
        self.site = site
        self.allowSignup = allowSignup
        sessions = WebSessions(cookieName: "gatehouse_console", alwaysSecure: site.isHTTPS)
    }

    func register<Context: PortalRequestContext>(on router: Router<Context>) {
        registerSignIn(on: router)
        registerDashboard(on: router)
        registerCredentials(on: router)
        registerAdministration(on: router)
        registerIdentityCenter(on: router)
        registerSecurityKeys(on: router)
        registerSignup(on: router)
        router.get(RouterPath(Self.downloadPath)) { request, context in
            await self.signedIn(request, context) { visit in self.download(visit) }
        }
    }

    /// Where the one-time CSV of a new password or access key is fetched (the session says which; no secret in the URL).
    static let downloadPath = prefix + "/download"

    // MARK: Signed-in requests

    /// A request from someone signed in: the session, and the caller its operations run as.
    struct Visit {
        let id: String
        let session: WebSession
        let caller: Caller
        let form: [String: String]
        let secure: Bool

        var principal: Principal { caller.principal }
        var isRoot: Bool { principal.kind == .root }
    }

    /// Runs `page` for a signed-in session (for a post, only with the session's CSRF token);
    /// anyone else goes to the sign-in page, and a session that must change its password to that page.
    func signedIn<Context: PortalRequestContext>(
        _ request: Request, _ context: Context, allowWhilePasswordExpired: Bool = false, _ page: (Visit) async -> Response
    ) async -> Response {
        guard let (id, session) = sessions.session(for: request), case .signedIn = session.stage, let principal = session.principal else {
            return Self.redirect(to: Self.prefix + "/signin")
        }
        var form: [String: String] = [:]
        if request.method == .post {
            guard let posted = await PortalPages.form(request) else {
                return renderer.message("Request not understood", "The form could not be read.", status: .badRequest)
            }
            guard session.accepts(csrf: posted["csrf"]) else {
                return renderer.message(
                    "Form expired", "Go back, reload the page and try again.", problem: "This form is out of date or was not sent from this page.",
                    status: .forbidden)
            }
            form = posted
        }
        if session.mustChangePassword, !allowWhilePasswordExpired { return Self.redirect(to: Self.prefix + "/password") }
        let caller = Caller(
            principal: principal, accessKeyId: "", sessionCredentials: false, region: "us-east-1", sourceIPAddress: context.sourceIPAddress,
            userAgent: request.headers[.userAgent] ?? "", sessionIssued: session.signedInAt, mfaAuthenticated: session.mfaAt, consoleSession: true)
        return await page(Visit(id: id, session: session, caller: caller, form: form, secure: Self.isSecure(request)))
    }

    /// Keeps a CSV holding a secret just shown, for the visitor to download once from ``downloadPath``.
    func offer(_ fileName: String, _ content: String, to visit: Visit) {
        sessions.update(visit.id) { $0.download = PendingDownload(fileName: fileName, content: content, expires: Date().addingTimeInterval(600)) }
    }

    /// One CSV row (RFC 4180): fields quoted, quotes doubled, and a leading `=`, `+`, `-` or `@` prefixed with `'`
    /// so a spreadsheet does not run it as a formula; except the fields at `secrets` (a password, a secret
    /// access key), which must stay exactly what they are, and which the one downloading chose or was given.
    static func csvRow(_ fields: [String], secrets: Set<Int> = []) -> String {
        fields.enumerated().map { index, field in
            let safe = !secrets.contains(index) && field.first.map { "=+-@".contains($0) } == true ? "'" + field : field
            return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",") + "\r\n"
    }

    /// Hands over the session's pending download, once.
    func download(_ visit: Visit) -> Response {
        var pending: PendingDownload?
        sessions.update(visit.id) { session in
            pending = session.download
            session.download = nil
        }
        guard let pending, pending.expires > Date() else {
            return page("console-message", MessagePage(heading: "Nothing to download", message: "The file was offered once and is gone. Create a new secret to get another.", problem: nil), visit: visit, status: .notFound)
        }
        var headers = PageRenderer.pageHeaders
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(pending.fileName)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: pending.content)))
    }

    /// Runs an IAM operation as the visitor.
    func iam(_ operation: String, _ input: AWSValue = .empty, as visit: Visit) async -> Result<AWSValue, AWSError> {
        await invoker.invoke(.iam, operation, input, as: visit.caller)
    }

    /// A console page: the layout with the navigation for `visit`.
    func page(_ template: String, _ values: some Any, visit: Visit, status: HTTPResponse.Status = .ok, script: Bool = false) -> Response {
        renderer.page(template, ConsoleFrame(navigation: Navigation(visit), page: values), status: status, script: script)
    }

    /// A 303 to `path` (after a post, the browser loads the page it names).
    static func redirect(to path: String) -> Response {
        var headers = PageRenderer.pageHeaders
        headers[.location] = path
        return Response(status: .seeOther, headers: headers)
    }

    /// Whether the browser reached the server over TLS (the session cookie is then `Secure`).
    static func isSecure(_ request: Request) -> Bool {
        request.head.scheme == "https"
    }
}

/// What every console page shows around its content: who is signed in, and the session's CSRF token for the forms.
struct Navigation {
    var identity: String
    var account: String
    var csrf: String
    var isRoot: Bool

    init(_ visit: ConsolePages.Visit) {
        identity = visit.isRoot ? "Root user" : visit.principal.username
        account = visit.principal.accountId
        csrf = visit.session.csrf
        isRoot = visit.isRoot
    }
}

/// A console page's values: the navigation and the page's own.
struct ConsoleFrame<Page> {
    var navigation: Navigation
    var page: Page
}

/// An AWS error as a page shows it.
struct Problem {
    var code: String
    var message: String

    init(_ error: AWSError) {
        code = error.code
        message = error.message
    }
}
