import AWSWire
import Directory
import Foundation
import Hummingbird

/// A request context that knows the client's address, so sign-ins can be throttled per address.
public protocol PortalRequestContext: RequestContext {
    var sourceIPAddress: String { get }
}

/// The access portal's sign-in pages: `/authorize`, where the authorization code flow with PKCE
/// (`aws sso login`, `gatehouse login`) sends the browser, and `/device`, the device flow's verification page.
struct PortalPages: Sendable {
    /// The paths these pages answer; everything else on the server is the AWS endpoint.
    static let paths: Set<String> = ["/authorize", "/device"]

    let directory: Directory
    let renderer: PageRenderer
    /// Failed sign-ins per client address: thirty in 15 minutes stop that address for the rest of the window.
    let addressThrottle = SignInThrottle(limit: 30)

    init(directory: Directory, renderer: PageRenderer) {
        self.directory = directory
        self.renderer = renderer
    }

    func register<Context: PortalRequestContext>(on router: Router<Context>) {
        router.get("/authorize") { request, _ in self.showAuthorize(request) }
        router.post("/authorize") { request, context in await self.submitAuthorize(request, address: context.sourceIPAddress) }
        router.get("/device") { request, _ in self.showDevice(request) }
        router.post("/device") { request, context in await self.submitDevice(request, address: context.sourceIPAddress) }
    }

    // MARK: Authorization code flow

    func showAuthorize(_ request: Request) -> Response {
        let parameters = Self.parameters(request.uri.query ?? "")
        switch check(parameters) {
        case .refused(let refusal): return refusal
        case .valid(let authorization): return authorizeForm(authorization, parameters: parameters, csrf: CSRFToken.make())
        }
    }

    func submitAuthorize(_ request: Request, address: String) async -> Response {
        guard let form = await Self.form(request) else { return renderer.message("Sign-in failed", "The form could not be read.", status: .badRequest) }
        guard CSRFToken.isValid(form: form["csrf"], request: request) else { return expiredForm() }
        let authorization: AuthorizationRequest
        switch check(form) {
        case .refused(let refusal): return refusal
        case .valid(let checked): authorization = checked
        }
        if form["decision"] == "deny" {
            return Self.redirect(to: authorization.redirectUri, ["error": "access_denied", "error_description": "The user denied the sign-in.", "state": form["state"]])
        }
        do {
            let credentials = try signInAttempt(form, request: request, address: address)
            let code = try await directory.authorize(authorization, credentials: credentials)
            addressThrottle.release(address)
            return Self.redirect(to: authorization.redirectUri, ["code": code, "state": form["state"]])
        } catch {
            let (message, askNewPassword, status) = failure(error, address: address)
            return authorizeForm(authorization, parameters: form, csrf: form["csrf"] ?? "", status: status, problem: (message, askNewPassword))
        }
    }

    /// Checks the request's parameters; a refusal is a page, or a redirect back to the client with an OAuth error.
    func check(_ parameters: [String: String]) -> Checked {
        do throws(AuthorizationRequestError) {
            return .valid(
                try directory.authorizationRequest(
                    clientId: parameters["client_id"] ?? "", redirectUri: parameters["redirect_uri"] ?? "",
                    responseType: parameters["response_type"] ?? "", codeChallenge: parameters["code_challenge"] ?? "",
                    codeChallengeMethod: parameters["code_challenge_method"] ?? ""))
        } catch {
            switch error {
            case .untrusted(let reason):
                return .refused(
                    renderer.message("Sign-in link not valid", "Start the sign-in again from your application.", problem: reason, status: .badRequest))
            case .redirect(let code, let description):
                return .refused(
                    Self.redirect(to: parameters["redirect_uri"] ?? "", ["error": code, "error_description": description, "state": parameters["state"]]))
            }
        }
    }

    func authorizeForm(
        _ authorization: AuthorizationRequest, parameters: [String: String], csrf: String, status: HTTPResponse.Status = .ok,
        problem: (message: String, askNewPassword: Bool)? = nil
    ) -> Response {
        let values = AuthorizePage(
            portal: "the access portal " + authorization.instance.identityStoreId,
            clientName: authorization.client.name.isEmpty ? "An application" : authorization.client.name,
            clientId: authorization.client.id, redirectUri: authorization.redirectUri, state: parameters["state"] ?? "",
            codeChallenge: authorization.codeChallenge, scopes: parameters["scopes"] ?? "",
            form: CredentialsForm(csrf: csrf, parameters: parameters, problem: problem))
        var response = renderer.page("authorize", values, status: status, formTarget: PageRenderer.formTarget(authorization.redirectUri))
        response.setCookie(CSRFToken.cookie(csrf))
        return response
    }

    // MARK: Device flow

    func showDevice(_ request: Request) -> Response {
        let parameters = Self.parameters(request.uri.query ?? "")
        return deviceForm(userCode: parameters["user_code"] ?? "", parameters: [:], csrf: CSRFToken.make())
    }

    func submitDevice(_ request: Request, address: String) async -> Response {
        guard let form = await Self.form(request) else { return renderer.message("Sign-in failed", "The form could not be read.", status: .badRequest) }
        guard CSRFToken.isValid(form: form["csrf"], request: request) else { return expiredForm() }
        let userCode = (form["user_code"] ?? "").trimmingCharacters(in: .whitespaces)
        do {
            let credentials = try signInAttempt(form, request: request, address: address)
            let allow = form["decision"] != "deny"
            try await directory.decideDeviceSignIn(userCode: userCode, credentials: credentials, allow: allow)
            addressThrottle.release(address)
            return allow
                ? renderer.message("Sign-in approved", "Go back to your terminal: it is signed in. You can close this window.")
                : renderer.message("Sign-in denied", "The terminal that asked will not be signed in. You can close this window.")
        } catch {
            let (message, askNewPassword, status) = failure(error, address: address)
            return deviceForm(userCode: userCode, parameters: form, csrf: form["csrf"] ?? "", status: status, problem: (message, askNewPassword))
        }
    }

    func deviceForm(
        userCode: String, parameters: [String: String], csrf: String, status: HTTPResponse.Status = .ok,
        problem: (message: String, askNewPassword: Bool)? = nil
    ) -> Response {
        let values = DevicePage(
            userCode: userCode,
            form: CredentialsForm(csrf: csrf, parameters: parameters, problem: problem))
        var response = renderer.page("device", values, status: status)
        response.setCookie(CSRFToken.cookie(csrf))
        return response
    }

    // MARK: Shared

    /// The credentials a sign-in form holds, once the address may try again.
    func signInAttempt(_ form: [String: String], request: Request, address: String) throws -> PortalCredentials {
        try addressThrottle.admit(address)
        let newPassword = form["new_password"].flatMap { $0.isEmpty ? nil : $0 }
        let mfaCode = form["mfa_code"].flatMap { $0.isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        return PortalCredentials(
            userName: form["username"] ?? "", password: form["password"] ?? "", newPassword: newPassword, mfaCode: mfaCode,
            sourceIPAddress: address, userAgent: request.headers[.userAgent] ?? "")
    }

    /// What a failed sign-in shows: the reason, whether to ask for a new password, and the status.
    func failure(_ error: any Error, address: String) -> (message: String, askNewPassword: Bool, status: HTTPResponse.Status) {
        guard let error = error as? DirectoryError else {
            return ("Sign-in failed for a reason on our side. Try again.", false, .internalServerError)
        }
        switch error.kind {
        case .passwordChangeRequired:
            return (error.message, true, .ok)
        case .mfaRegistrationRequired:
            return (error.message + " Sign in at the access portal's start page once to register it, then come back.", false, .forbidden)
        case .storage:
            return ("Sign-in failed for a reason on our side. Try again.", false, .internalServerError)
        case .throttled:
            // No attempt was made: counting it would make every retry lengthen the lock.
            return (error.message, false, .unauthorized)
        default:
            addressThrottle.failed(address)
            return (error.message, false, .unauthorized)
        }
    }

    func expiredForm() -> Response {
        renderer.message(
            "Form expired", "Open the sign-in link again from your terminal or application.",
            problem: "This form is out of date or was not sent from this page.", status: .forbidden)
    }

    /// A 303 to `uri` with `values` added to its query (values that are `nil` are left out).
    static func redirect(to uri: String, _ values: [String: String?]) -> Response {
        guard var components = URLComponents(string: uri) else { return Response(status: .badRequest) }
        var items = components.queryItems ?? []
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            if let value { items.append(URLQueryItem(name: name, value: value)) }
        }
        components.queryItems = items
        // `+` is a space to form decoders; spell it out.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        var headers = PageRenderer.pageHeaders
        headers[.location] = components.string ?? uri
        return Response(status: .seeOther, headers: headers)
    }

    /// The first value of each name in a query string or form body.
    static func parameters(_ text: String) -> [String: String] {
        let pairs = (try? FormDecoding.pairs(Array(text.utf8))) ?? []
        return Dictionary(pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// A posted form (at most 16 KiB), or `nil` when it cannot be read.
    static func form(_ request: Request) async -> [String: String]? {
        guard let body = try? await request.body.collect(upTo: 16 * 1024) else { return nil }
        return parameters(String(buffer: body))
    }
}

/// An authorization request that checked out, or the page or redirect that refuses it.
enum Checked {
    case valid(AuthorizationRequest)
    case refused(Response)
}

/// The fields both sign-in forms share.
struct CredentialsForm {
    var csrf: String
    var userName: String
    var error: String?
    var askNewPassword: Bool

    /// The form as last submitted (`parameters`), with what went wrong.
    init(csrf: String, parameters: [String: String], problem: (message: String, askNewPassword: Bool)?) {
        self.csrf = csrf
        userName = parameters["username"] ?? ""
        error = problem?.message
        askNewPassword = problem?.askNewPassword ?? false
    }
}

/// What the `/authorize` page shows.
struct AuthorizePage {
    var portal: String
    var clientName: String
    var clientId: String
    var redirectUri: String
    var state: String
    var codeChallenge: String
    var scopes: String
    var form: CredentialsForm
}

/// What the `/device` page shows.
struct DevicePage {
    var userCode: String
    var form: CredentialsForm
}
