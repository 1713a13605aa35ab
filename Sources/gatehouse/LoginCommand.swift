import ArgumentParser
import Directory
import Foundation
import Synchronization

/// `gatehouse login`: signs in to an access portal from a terminal, as `aws sso login` does, and writes
/// the token cache and a profile that the AWS CLI and SDKs then use unchanged.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in to an access portal and write an AWS profile for one of your roles.",
        discussion: """
            Opens the server's sign-in page (the authorization code flow with PKCE: a listener on 127.0.0.1 receives the \
            browser back), or with --use-device-code shows a code to confirm on any device. Then writes the token to \
            ~/.aws/sso/cache and the profile (sso_session, sso_account_id, sso_role_name, region, endpoint_url) to \
            ~/.aws/config (or AWS_CONFIG_FILE).
            """)

    @Option(help: "The access portal's start URL (http://<server>/start/<identity store ID>).") var startUrl: String
    @Option(help: "The profile to write.") var profile: String
    @Option(help: "The account to use (needed when you have more than one).") var account: String?
    @Option(help: "The role (permission set) to use (needed when you have more than one in the account).") var role: String?
    @Option(help: "The sso-session to write; defaults to the profile's name.") var sessionName: String?
    @Option(help: "The region for the profile and the portal; defaults to AWS_REGION, AWS_DEFAULT_REGION or us-east-1.") var region: String?
    @Flag(help: "Sign in with a code to confirm on any device, instead of a browser on this machine.") var useDeviceCode = false
    @Flag(help: "Print the sign-in address without trying to open a browser.") var noBrowser = false

    func run() async throws {
        guard let url = URL(string: startUrl), let scheme = url.scheme, let host = url.host else {
            throw ValidationError("--start-url must be a URL such as http://127.0.0.1:7070/start/d-0123456789.")
        }
        let endpoint = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        let environment = ProcessInfo.processInfo.environment
        let region = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        let api = PortalSignInClient(endpoint: endpoint)
        do {
            let (client, tokens) = useDeviceCode ? try await deviceFlow(api) : try await authorizationCodeFlow(api, endpoint: endpoint)
            let (accountId, roleName) = try await chooseRole(api, tokens: tokens)
            let session = sessionName ?? profile
            let files = AWSConfigFiles()
            let cache = try files.writeToken(sessionName: session, startUrl: startUrl, region: region, tokens: tokens, client: client)
            try files.writeConfig([
                (
                    profile == "default" ? "default" : "profile \(profile)",
                    [
                        ("sso_session", session), ("sso_account_id", accountId), ("sso_role_name", roleName), ("region", region),
                        ("endpoint_url", endpoint),
                    ]
                ),
                ("sso-session \(session)", [("sso_start_url", startUrl), ("sso_region", region), ("sso_registration_scopes", "sso:account:access")]),
            ])
            say("Signed in: profile \(profile) is role \(roleName) in account \(accountId) (token in \(cache)).")
            say("Try: aws sts get-caller-identity --profile \(profile)")
        } catch let failure as PortalSignInClient.Failure {
            throw ValidationError("Sign-in failed: \(failure)")
        }
    }

    /// The device authorization grant: show the code and address, poll until the user approves.
    func deviceFlow(_ api: PortalSignInClient) async throws -> (PortalSignInClient.Registration, PortalSignInClient.Tokens) {
        let client = try await api.registerClient(grantTypes: ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"])
        let started = try await api.startDeviceAuthorization(client, startUrl: startUrl)
        guard let deviceCode = started["deviceCode"] as? String, let userCode = started["userCode"] as? String,
            let address = started["verificationUriComplete"] as? String
        else { throw PortalSignInClient.Failure(code: "InvalidResponse", message: "StartDeviceAuthorization answered without a code.") }
        var interval = (started["interval"] as? NSNumber)?.doubleValue ?? 5
        let deadline = Date().addingTimeInterval((started["expiresIn"] as? NSNumber)?.doubleValue ?? 600)
        say("To sign in, open this address and confirm the code \(userCode):")
        say("  \(address)")
        openBrowser(address)
        while Date() < deadline {
            try await Task.sleep(for: .seconds(interval))
            do {
                let tokens = try await api.createToken(
                    client, grant: ["grantType": "urn:ietf:params:oauth:grant-type:device_code", "deviceCode": deviceCode])
                return (client, tokens)
            } catch let failure as PortalSignInClient.Failure where failure.code == "AuthorizationPendingException" {
                continue
            } catch let failure as PortalSignInClient.Failure where failure.code == "SlowDownException" {
                interval += 5
            }
        }
        throw PortalSignInClient.Failure(code: "ExpiredTokenException", message: "The code expired before the sign-in was approved.")
    }

    /// The authorization code grant with PKCE: the browser signs in at `/authorize` and comes back to a loopback listener.
    func authorizationCodeFlow(_ api: PortalSignInClient, endpoint: String) async throws -> (PortalSignInClient.Registration, PortalSignInClient.Tokens) {
        let client = try await api.registerClient(
            grantTypes: ["authorization_code", "refresh_token"], redirectUris: ["http://127.0.0.1" + LoopbackRedirect.path], issuerUrl: startUrl)
        let verifier = Identifiers.urlSafe(64)
        let state = Identifiers.urlSafe(32)
        let redirectUri = Mutex<String>("")
        let parameters = try await LoopbackRedirect.receive { port in
            let uri = "http://127.0.0.1:\(port)" + LoopbackRedirect.path
            redirectUri.withLock { $0 = uri }
            var components = URLComponents(string: endpoint + "/authorize")!
            components.queryItems = [
                URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "client_id", value: client.clientId),
                URLQueryItem(name: "redirect_uri", value: uri), URLQueryItem(name: "state", value: state),
                URLQueryItem(name: "code_challenge_method", value: "S256"), URLQueryItem(name: "scopes", value: "sso:account:access"),
                URLQueryItem(name: "code_challenge", value: Directory.codeChallenge(verifier: verifier)),
            ]
            let address = components.string ?? ""
            say("To sign in, open this address in a browser on this machine:")
            say("  \(address)")
            openBrowser(address)
        }
        guard let returned = parameters["state"], ConstantTime.equals(Array(returned.utf8), Array(state.utf8)) else {
            throw PortalSignInClient.Failure(code: "InvalidState", message: "The browser came back from a different sign-in.")
        }
        guard let code = parameters["code"] else {
            throw PortalSignInClient.Failure(code: parameters["error"] ?? "access_denied", message: parameters["error_description"] ?? "")
        }
        let tokens = try await api.createToken(
            client,
            grant: ["grantType": "authorization_code", "code": code, "codeVerifier": verifier, "redirectUri": redirectUri.withLock { $0 }])
        return (client, tokens)
    }

    /// The account and role to write: those given, or the only one assigned.
    func chooseRole(_ api: PortalSignInClient, tokens: PortalSignInClient.Tokens) async throws -> (String, String) {
        let assigned = try await api.assignedRoles(accessToken: tokens.accessToken)
        let matching = assigned.filter { (account == nil || $0.account == account) && (role == nil || $0.role == role) }
        if matching.count == 1 { return (matching[0].account, matching[0].role) }
        let choices = assigned.map { "  --account \($0.account) --role \($0.role)" }.joined(separator: "\n")
        if matching.isEmpty {
            throw ValidationError(assigned.isEmpty ? "You have no role in any account yet." : "No assigned role matches. Yours:\n" + choices)
        }
        throw ValidationError("You have several roles; choose one:\n" + choices)
    }

    /// Tries to open `address` in the desktop's browser, unless told not to or there is no desktop.
    func openBrowser(_ address: String) {
        guard !noBrowser, ProcessInfo.processInfo.environment["DISPLAY"] != nil else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xdg-open", address]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }
}

/// A line on standard output, written at once (whoever reads it may be waiting for it).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
