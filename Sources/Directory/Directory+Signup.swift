import Foundation
import Storage

/// The kind of document a sign-up waiting for its email to be verified is, under the pseudo-account ``PendingSignup/accountKey``.
enum SignupDocumentKind: String, DocumentKind, CaseIterable {
    case signup = "account_signup"
}

/// A public sign-up waiting for its email to be verified: the account it will create, the root password
/// only as its bcrypt hash, and the verification link's token only as SHA-256. Valid 24 hours.
public struct PendingSignup: Codable, Sendable, Equatable {
    static let accountKey = "signup"

    public var tokenHash: String
    public var name: String
    public var email: String
    var passwordHash: String
    public var expires: Date
}

extension Directory {
    /// Records a sign-up (name, email and root password checked as `gatehouse account create` checks them) and
    /// returns the token its verification link carries.
    public func startSignup(name: String, email: String, password: String, now: Date = Date()) async throws -> String {
        try Self.validate(name: name, email: email)
        try Self.validateRootPassword(password)
        let token = Identifiers.urlSafe(48)
        let signup = PendingSignup(
            tokenHash: SignInState.digest(token), name: name, email: email, passwordHash: await passwords.hash(password),
            expires: now.addingTimeInterval(86_400))
        try await store.write { session in
            try await DocumentTransaction(session: session, accountId: PendingSignup.accountKey).put(signup, SignupDocumentKind.signup, signup.tokenHash)
        }
        return token
    }

    /// The sign-up a verification token names, while it is valid.
    public func pendingSignup(token: String, now: Date = Date()) async throws -> PendingSignup? {
        try await store.read { session in
            try await DocumentTransaction(session: session, accountId: PendingSignup.accountKey)
                .get(PendingSignup.self, SignupDocumentKind.signup, SignInState.digest(token))
        }.flatMap { $0.expires > now ? $0 : nil }
    }

    /// Creates the account of a verified sign-up, once.
    ///
    /// - Throws: ``DirectoryError`` when the link expired or was used, or the email has an account by now.
    public func completeSignup(token: String, source: SignInSource, now: Date = Date()) async throws -> CreatedAccount {
        let signup = try await store.write { session -> PendingSignup in
            let tx = DocumentTransaction(session: session, accountId: PendingSignup.accountKey)
            let key = SignInState.digest(token)
            guard let signup = try await tx.get(PendingSignup.self, SignupDocumentKind.signup, key), signup.expires > now else {
                throw DirectoryError(.notFound, "This verification link has expired or was used already. Sign up again.")
            }
            try await tx.delete(SignupDocumentKind.signup, key)
            return signup
        }
        return try await createAccount(
            name: signup.name, email: signup.email, passwordHash: signup.passwordHash, rootAccessKey: false, sourceIPAddress: source.sourceIPAddress,
            userAgent: source.userAgent)
    }
}
