import Crypto
import Foundation
import Storage

/// A checked request to the `/authorize` page: a registered client, a redirect URI it registered,
/// and the PKCE challenge the code will be bound to.
public struct AuthorizationRequest: Sendable {
    public var client: OIDCClient
    public var instance: IdentityCenterInstance
    public var redirectUri: String
    public var codeChallenge: String
}

extension Directory {
    /// How long an authorization code may wait for its token request.
    static let authorizationCodeLifetime: TimeInterval = 300

    /// Checks the parameters of an authorization request (RFC 6749 section 4.1.1, with RFC 7636's S256
    /// challenge). A client or redirect URI that does not check out must not be redirected to:
    /// ``AuthorizationRequestError/untrusted``; other faults go back to the client: ``AuthorizationRequestError/redirect``.
    public func authorizationRequest(
        clientId: String, redirectUri: String, responseType: String, codeChallenge: String, codeChallengeMethod: String, now: Date = Date()
    ) throws(AuthorizationRequestError) -> AuthorizationRequest {
        guard let client = snapshot.signIn.clients[clientId.lowercased()], client.id == clientId, client.expires > now else {
            throw .untrusted("This sign-in link names an application that is not registered, or whose registration has expired.")
        }
        guard client.allowsRedirect(to: redirectUri) else {
            throw .untrusted("This sign-in link sends you back to an address the application did not register.")
        }
        guard responseType == "code" else { throw .redirect("unsupported_response_type", "response_type must be code.") }
        guard client.grantTypes.contains("authorization_code") else {
            throw .redirect("unauthorized_client", "The client is not registered for the authorization_code grant.")
        }
        guard codeChallengeMethod == "S256", Self.isCodeChallenge(codeChallenge) else {
            throw .redirect("invalid_request", "A code_challenge with code_challenge_method S256 is required.")
        }
        guard let instance = client.issuerUrl.flatMap(instance(startUrl:)) else {
            throw .untrusted("The access portal this application signs in to no longer exists.")
        }
        return AuthorizationRequest(client: client, instance: instance, redirectUri: redirectUri, codeChallenge: codeChallenge)
    }

    /// The Identity Center instance a start URL names: `<this server>/start/<identity store ID>`.
    public func instance(startUrl: String) -> IdentityCenterInstance? {
        guard let url = URL(string: startUrl), let storeId = url.pathComponents.last(where: { $0.hasPrefix("d-") }) else { return nil }
        return snapshot.identityCenter.values.compactMap(\.instance).first { $0.identityStoreId == storeId }
    }

    /// Signs the user in for a checked authorization request and returns the one-time code to redirect with.
    public func authorize(_ request: AuthorizationRequest, credentials: PortalCredentials, now: Date = Date()) async throws -> String {
        let code = Identifiers.urlSafe(64)
        try await store.write { session in
            let (user, mfaAt) = try await portalSignIn(
                identityStoreId: request.instance.identityStoreId, credentials: credentials, in: session, now: now)
            let tx = DocumentTransaction(session: session, accountId: SignInState.accountKey)
            for stale in try await tx.all(AuthorizationCode.self, SignInDocumentKind.authorizationCode) where stale.expires < now {
                try await tx.delete(SignInDocumentKind.authorizationCode, stale.codeHash)
            }
            let grant = AuthorizationCode(
                codeHash: SignInState.digest(code), clientId: request.client.id, redirectUri: request.redirectUri,
                codeChallenge: request.codeChallenge, ownerAccountId: request.instance.ownerAccountId, userId: user.id, mfaAt: mfaAt,
                expires: now.addingTimeInterval(Self.authorizationCodeLifetime))
            try await tx.put(grant, SignInDocumentKind.authorizationCode, grant.codeHash)
        }
        try await refresh()
        return code
    }

    /// RFC 7636: a challenge is BASE64URL of a SHA-256, 43 characters without padding.
    static func isCodeChallenge(_ challenge: String) -> Bool {
        challenge.utf8.count == 43 && challenge.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// The S256 challenge of a code verifier: BASE64URL(SHA-256(verifier)) without padding.
    public static func codeChallenge(verifier: String) -> String {
        Data(SHA256.hash(data: Array(verifier.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// Why an authorization request cannot go on.
public enum AuthorizationRequestError: Error, Sendable, Equatable {
    /// The client or its redirect URI cannot be trusted: tell the user, never redirect.
    case untrusted(String)
    /// Send the user back to the client with this OAuth error code and description.
    case redirect(String, String)
}

extension OIDCClient {
    /// Whether `uri` is one of the client's redirect URIs. For loopback URIs the port may differ
    /// (RFC 8252 section 7.3): the client listens on whatever port is free when it signs in.
    public func allowsRedirect(to uri: String) -> Bool {
        guard let candidate = URLComponents(string: uri) else { return false }
        return redirectUris.contains { registered in
            guard let known = URLComponents(string: registered) else { return false }
            return known.scheme == candidate.scheme && known.host == candidate.host && known.path == candidate.path
                && known.query == candidate.query && (known.port == nil || known.port == candidate.port) && candidate.fragment == nil
        }
    }
}
