import AWSWire
import Foundation
import Storage

/// A signed-in access portal session of the web pages: the portal API token its pages call with, and whose it is.
public struct PortalWebSession: Sendable {
    /// A bearer token for the access portal API (`ListAccounts`, `GetRoleCredentials`), valid for the portal session.
    public var accessToken: String
    public var userName: String
    public var displayName: String
    public var identityStoreId: String
    public var expires: Date
}

extension Directory {
    /// The client ID the access portal's own pages hold their tokens under.
    public static let portalPagesClientId = "gatehouse-access-portal"

    /// Signs a user in to the access portal's pages (password, a new password in place of a one-time one, and MFA,
    /// or registering an authenticator app, as the instance requires) and issues a portal API token that lasts
    /// the instance's portal session. The attempt is in the audit trail either way.
    public func portalWebSignIn(identityStoreId: String, credentials: PortalCredentials, now: Date = Date()) async throws -> PortalWebSession {
        let signedIn = try await store.write { session -> PortalWebSession in
            let (user, mfaAt) = try await portalSignIn(identityStoreId: identityStoreId, credentials: credentials, in: session, now: now)
            let (_, instance) = try await storedInstance(identityStoreId: identityStoreId, in: session)
            let expires = now.addingTimeInterval(Double(instance.signIn.portalSessionHours) * 3600)
            let token = "aoa" + Identifiers.secret() + Identifiers.secret()
            let record = PortalToken(
                tokenHash: SignInState.digest(token), kind: "access", clientId: Self.portalPagesClientId, ownerAccountId: instance.ownerAccountId,
                userId: user.id, sessionId: Identifiers.uuid(), expires: expires, sessionExpires: expires, mfaAt: mfaAt)
            try await DocumentTransaction(session: session, accountId: SignInState.accountKey).put(record, SignInDocumentKind.token, record.tokenHash)
            return PortalWebSession(
                accessToken: token, userName: user.userName, displayName: IdentityStoreOperations.attributes(user)["DisplayName"]?.string ?? "",
                identityStoreId: identityStoreId,
                expires: expires)
        }
        try await refresh()
        return signedIn
    }
}
