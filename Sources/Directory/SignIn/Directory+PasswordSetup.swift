import AWSWire
import Foundation
import Storage

/// A link that lets an access portal user set their password: an invitation (valid 7 days) or a reset they
/// asked for (valid 1 hour). Only the token's SHA-256 is stored; the link works once.
public struct PasswordSetup: Codable, Sendable, Equatable {
    /// Why the link was made.
    public enum Purpose: String, Codable, Sendable {
        case invitation, reset
    }

    public var tokenHash: String
    public var purpose: Purpose
    public var ownerAccountId: String
    public var identityStoreId: String
    public var userId: String
    public var userName: String
    public var expires: Date
}

/// A set-up link just made: the token for the link, and where to mail it.
public struct IssuedPasswordSetup: Sendable {
    public var token: String
    public var email: String
    public var userName: String
    public var displayName: String
    public var expires: Date
}

extension Directory {
    /// How long each kind of link works.
    static func lifetime(_ purpose: PasswordSetup.Purpose) -> TimeInterval {
        purpose == .invitation ? 7 * 86_400 : 3600
    }

    /// Makes a set-up link token for a user of the identity store (replacing any earlier link of the same purpose).
    ///
    /// - Throws: ``DirectoryError`` when the user does not exist or has no email address to send it to.
    public func issuePasswordSetup(
        identityStoreId: String, userName: String, purpose: PasswordSetup.Purpose, now: Date = Date()
    ) async throws -> IssuedPasswordSetup {
        let token = Identifiers.urlSafe(48)
        let issued = try await store.write { session -> IssuedPasswordSetup in
            let (tx, instance) = try await storedInstance(identityStoreId: identityStoreId, in: session)
            let user = try await Self.storedUser(userName, tx: tx)
            let attributes = IdentityStoreOperations.attributes(user)
            let emails = (attributes["Emails"]?.list ?? []).filter { $0["Value"]?.string != nil }
            guard let email = (emails.first { $0["Primary"] == .boolean(true) } ?? emails.first)?["Value"]?.string else {
                throw DirectoryError.invalidInput("The user \(user.userName) has no email address to send the link to.")
            }
            let links = DocumentTransaction(session: session, accountId: SignInState.accountKey)
            for (key, earlier) in snapshot.signIn.passwordSetups where earlier.userId == user.id && earlier.purpose == purpose {
                try await links.delete(SignInDocumentKind.passwordSetup, key)
            }
            let expires = now.addingTimeInterval(Self.lifetime(purpose))
            let setup = PasswordSetup(
                tokenHash: SignInState.digest(token), purpose: purpose, ownerAccountId: instance.ownerAccountId, identityStoreId: identityStoreId,
                userId: user.id, userName: user.userName, expires: expires)
            try await links.put(setup, SignInDocumentKind.passwordSetup, setup.tokenHash)
            return IssuedPasswordSetup(
                token: token, email: email, userName: user.userName, displayName: attributes["DisplayName"]?.string ?? user.userName,
                expires: expires)
        }
        try await refresh()
        return issued
    }

    /// The link `token` names, while it works.
    public func passwordSetup(token: String, now: Date = Date()) -> PasswordSetup? {
        snapshot.signIn.passwordSetups[SignInState.digest(token)].flatMap { $0.expires > now ? $0 : nil }
    }

    /// Sets the user's password through a set-up link (Identity Center's rules), once; earlier one-time
    /// passwords stop working. Recorded as `gatehouse` `CompletePasswordSetup` in the owner account's trail.
    public func completePasswordSetup(token: String, password: String, source: SignInSource, now: Date = Date()) async throws -> PasswordSetup {
        try Self.validatePortalPassword(password)
        let hash = await passwords.hash(password)
        let setup = try await store.write { session -> PasswordSetup in
            let links = DocumentTransaction(session: session, accountId: SignInState.accountKey)
            let key = SignInState.digest(token)
            guard let setup = try await links.get(PasswordSetup.self, SignInDocumentKind.passwordSetup, key), setup.expires > now else {
                throw DirectoryError(.notFound, "This link has expired or was used already. Ask for a new one.")
            }
            let (tx, instance) = try await storedInstance(identityStoreId: setup.identityStoreId, in: session)
            guard var user = try await tx.get(IdentityStoreUser.self, IdentityCenterDocumentKind.user, setup.userId) else {
                throw DirectoryError(.notFound, "This user no longer exists.")
            }
            user.passwordHash = hash
            user.passwordIsOneTime = false
            try await tx.put(user, IdentityCenterDocumentKind.user, user.id)
            try await links.delete(SignInDocumentKind.passwordSetup, key)
            let event = AuditEvent(
                eventTime: now, eventSource: "gatehouse", eventName: "CompletePasswordSetup", awsRegion: instance.homeRegion,
                sourceIPAddress: source.sourceIPAddress, userAgent: source.userAgent,
                identity: .init(principal: .identityCenterUser(id: user.id, userName: user.userName, of: instance.ownerAccountId), accessKeyId: nil),
                requestParameters: ["purpose": .string(setup.purpose.rawValue)], requestId: Identifiers.uuid(), readOnly: false,
                recipientAccountId: instance.ownerAccountId)
            try await auditTrail.append([event], in: session)
            return setup
        }
        signInThrottle.succeeded(Self.throttleKey(identityStoreId: setup.identityStoreId, userName: setup.userName))
        try await refresh()
        return setup
    }
}
