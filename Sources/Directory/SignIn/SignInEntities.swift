import Crypto
import Foundation
import SigV4

/// The kinds of sign-in documents (sso-oidc clients, device authorizations, authorization codes, portal tokens),
/// kept under the pseudo-account ``SignInState/accountKey``. Secrets are stored only as SHA-256.
public enum SignInDocumentKind: String, DocumentKind, CaseIterable {
    case client = "oidc_client"
    case deviceAuthorization = "oidc_device"
    case authorizationCode = "oidc_code"
    case token = "oidc_token"
    case passwordSetup = "portal_password_setup"
}

/// A registered OIDC client (the AWS CLI registers one per sign-in session).
public struct OIDCClient: Codable, Sendable, Equatable {
    public var id: String
    /// SHA-256 of the client secret, hexadecimal.
    public var secretHash: String
    public var name: String
    public var scopes: [String]
    public var grantTypes: [String]
    public var redirectUris: [String]
    /// The start URL the client signs in to (`issuerUrl`), for the authorization code grant.
    public var issuerUrl: String?
    public var issued: Date
    public var expires: Date
}

/// A device authorization waiting for its user to approve it (RFC 8628).
public struct DeviceAuthorization: Codable, Sendable, Equatable {
    /// SHA-256 of the device code, hexadecimal: the document's key.
    public var deviceCodeHash: String
    public var clientId: String
    /// `XXXX-XXXX`, what the user confirms.
    public var userCode: String
    /// The instance the start URL names.
    public var ownerAccountId: String
    public var expires: Date
    /// Seconds a client must wait between polls.
    public var interval: Int
    /// `pending`, `approved` or `denied`.
    public var status: String
    public var userId: String?
    /// When the approving user passed MFA.
    public var mfaAt: Date?
}

/// An authorization code the `/authorize` page gave after the user signed in (RFC 6749 with PKCE, RFC 7636).
public struct AuthorizationCode: Codable, Sendable, Equatable {
    /// SHA-256 of the code, hexadecimal: the document's key.
    public var codeHash: String
    public var clientId: String
    /// The redirect URI the code was sent to; the token request must name the same.
    public var redirectUri: String
    /// BASE64URL(SHA-256(code verifier)), the S256 challenge.
    public var codeChallenge: String
    public var ownerAccountId: String
    public var userId: String
    public var mfaAt: Date?
    public var expires: Date
}

/// A portal access or refresh token.
public struct PortalToken: Codable, Sendable, Equatable {
    /// SHA-256 of the token, hexadecimal: the document's key.
    public var tokenHash: String
    /// `access` or `refresh`.
    public var kind: String
    public var clientId: String
    public var ownerAccountId: String
    public var userId: String
    /// Ties the tokens of one sign-in together, so Logout ends all of them.
    public var sessionId: String
    public var expires: Date
    /// When the portal session ends (refreshing stops there).
    public var sessionExpires: Date
    public var mfaAt: Date?
}

/// The sign-in service's state in memory.
public struct SignInState: Sendable {
    /// The pseudo-account the documents are kept under (the service is not any one account's).
    public static let accountKey = "sso-oidc"

    public var clients: [String: OIDCClient] = [:]
    public var deviceAuthorizations: [String: DeviceAuthorization] = [:]
    public var authorizationCodes: [String: AuthorizationCode] = [:]
    public var tokens: [String: PortalToken] = [:]
    /// Invitation and password-reset links waiting to be used, by token digest.
    public var passwordSetups: [String: PasswordSetup] = [:]

    public init() {}

    mutating func apply(kind: SignInDocumentKind, key: String, body: String?, kept: (any Sendable)? = nil) throws {
        switch kind {
        case .client: clients[key] = try body.map { try DocumentCoding.value(OIDCClient.self, $0, kept: kept) }
        case .deviceAuthorization: deviceAuthorizations[key] = try body.map { try DocumentCoding.value(DeviceAuthorization.self, $0, kept: kept) }
        case .authorizationCode: authorizationCodes[key] = try body.map { try DocumentCoding.value(AuthorizationCode.self, $0, kept: kept) }
        case .token: tokens[key] = try body.map { try DocumentCoding.value(PortalToken.self, $0, kept: kept) }
        case .passwordSetup: passwordSetups[key] = try body.map { try DocumentCoding.value(PasswordSetup.self, $0, kept: kept) }
        }
    }

    /// SHA-256 of a secret, hexadecimal: how secrets are looked up without being stored.
    public static func digest(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).hexString
    }
}
