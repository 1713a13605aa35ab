import AWSWire
import Directory
import Foundation
import Hummingbird
import WebAuthn

extension ConsolePages {
    func registerSecurityKeys<Context: PortalRequestContext>(on router: Router<Context>) {
        router.get(RouterPath(Self.prefix + "/webauthn.js")) { _, _ in self.renderer.script() }
        router.post(RouterPath(Self.credentialsPath + "/security-key")) { request, context in
            await self.signedIn(request, context) { visit in await self.startSecurityKey(visit) }
        }
        router.post(RouterPath(Self.credentialsPath + "/security-key/finish")) { request, context in
            await self.signedIn(request, context) { visit in await self.finishSecurityKey(visit) }
        }
        router.post(RouterPath(Self.prefix + "/mfa/security-key")) { request, context in
            await self.submitSecurityKey(request, address: context.sourceIPAddress)
        }
    }

    /// A fresh 32-byte challenge.
    static func challenge() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Registering a security key, step one: a challenge kept in the session, and the page whose script asks the key.
    func startSecurityKey(_ visit: Visit) async -> Response {
        let name = (visit.form["key_name"] ?? "").trimmingCharacters(in: .whitespaces)
        if let refusal = invoker.authorize(.iam, "EnableMFADevice", own(visit, ["SerialNumber": .string("arn:aws:iam::\(visit.principal.accountId):u2f/pending")]), as: visit.caller) {
            return await credentials(visit, problem: Problem(refusal), status: .forbidden)
        }
        let challenge = Self.challenge()
        sessions.update(visit.id) {
            $0.webAuthnChallenge = challenge
            $0.pendingKeyName = name
        }
        let verifier = site.webAuthn
        let values = SecurityKeyPage(
            name: name, challenge: Base64URL.encode(challenge), rpId: verifier.rpId, userId: Base64URL.encode(Array(visit.principal.userId.utf8)),
            userName: visit.isRoot ? "root" : visit.principal.username,
            exclude: (VirtualMFADevice.owner(of: visit.principal).map { directory.securityKeys(of: $0, in: visit.principal.accountId) } ?? [])
                .map(\.id).joined(separator: ","))
        return page("console-security-key", values, visit: visit, script: true)
    }

    /// Step two: the key's answer is checked (challenge, origin, RP ID, user verification) and the key assigned.
    func finishSecurityKey(_ visit: Visit) async -> Response {
        var challenge: [UInt8]?
        var name = ""
        sessions.update(visit.id) {
            challenge = $0.webAuthnChallenge
            name = $0.pendingKeyName ?? ""
            $0.webAuthnChallenge = nil
            $0.pendingKeyName = nil
        }
        guard let challenge, let clientData = Base64URL.decode(visit.form["client_data"] ?? ""),
            let attestation = Base64URL.decode(visit.form["attestation"] ?? "")
        else {
            return await credentials(visit, problem: Problem(AWSError(code: "InvalidSecurityKey", message: "Start registering the key again.")), status: .badRequest)
        }
        do {
            let credential = try site.webAuthn.register(clientDataJSON: clientData, attestationObject: attestation, challenge: challenge)
            _ = try await directory.registerSecurityKey(credential, name: name, caller: visit.caller)
            return await credentials(visit, notice: "Security key \(name) assigned. From now on, sign-in can use it.")
        } catch let error as WebAuthnError {
            return await credentials(visit, problem: Problem(AWSError(code: "InvalidSecurityKey", message: error.description)), status: .badRequest)
        } catch let error as DirectoryError where error.kind != .storage {
            return await credentials(visit, problem: Problem(AWSError(code: "InvalidSecurityKey", message: error.message)), status: .badRequest)
        } catch {
            return await credentials(visit, problem: Problem(.internalFailure), status: .internalServerError)
        }
    }

    /// The sign-in's MFA step with a security key: the answer to the challenge the MFA page issued.
    func submitSecurityKey(_ request: Request, address: String) async -> Response {
        guard let (id, session) = sessions.session(for: request), let form = await PortalPages.form(request), session.accepts(csrf: form["csrf"]),
            case .passwordChecked(let signIn) = session.stage
        else { return expiredSignIn() }
        var challenge: [UInt8]?
        sessions.update(id) {
            challenge = $0.webAuthnChallenge
            $0.webAuthnChallenge = nil
        }
        do {
            try addressThrottle.admit(address)
            guard let challenge, let clientData = Base64URL.decode(form["client_data"] ?? ""),
                let authenticatorData = Base64URL.decode(form["authenticator_data"] ?? ""), let signature = Base64URL.decode(form["signature"] ?? "")
            else { throw DirectoryError(.invalidInput, "The security key's answer is missing. Try again.") }
            let assertion = SecurityKeyAssertion(
                verifier: site.webAuthn, credentialId: form["credential_id"] ?? "", clientDataJSON: clientData,
                authenticatorData: authenticatorData, signature: signature, challenge: challenge)
            let response = try await finish(signIn, mfaCode: nil, securityKey: assertion, sessionId: id, session: session, request: request)
            addressThrottle.release(address)
            return response
        } catch {
            return mfaPage(signIn, sessionId: id, problem: failure(error, address: address), status: .unauthorized)
        }
    }

    /// The MFA step's page: a code field for authenticator apps and, when the identity has security keys,
    /// the security key form with a fresh challenge.
    func mfaPage(_ signIn: ConsoleSignIn, sessionId: String, problem: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var csrf = ""
        var values = SignInPage.mfa(csrf: "", principal: signIn.principal)
        values.hasAuthenticatorApp = !signIn.mfaSerialNumbers.isEmpty
        let challenge = signIn.securityKeys.isEmpty ? nil : Self.challenge()
        sessions.update(sessionId) {
            csrf = $0.csrf
            $0.webAuthnChallenge = challenge
        }
        values.csrf = csrf
        values.error = problem
        if let challenge {
            values.securityKey = SecurityKeyChallenge(
                challenge: Base64URL.encode(challenge), rpId: site.webAuthn.rpId, allow: signIn.securityKeys.map(\.id).joined(separator: ","))
        }
        return renderer.page("console-signin", values, status: status, script: challenge != nil)
    }
}

/// What the security key registration page shows (and its script reads).
struct SecurityKeyPage {
    var name: String
    var challenge: String
    var rpId: String
    var userId: String
    var userName: String
    var exclude: String
}

/// A sign-in challenge for the identity's security keys.
struct SecurityKeyChallenge {
    var challenge: String
    var rpId: String
    var allow: String
}
