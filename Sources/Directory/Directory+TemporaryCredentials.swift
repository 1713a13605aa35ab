import Crypto
import Foundation
import Storage

/// Temporary credentials as STS hands them out: an `ASIA` key, a secret and a session token.
public struct TemporaryCredentials: Sendable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String
    public var expiration: Date
}

extension Directory {
    /// Issues temporary credentials for the root user of `accountId`, or its IAM user `userName`,
    /// valid for `duration` seconds; `mfaAt` when an MFA code was checked to get them.
    ///
    /// The secret is sealed and only the session token's SHA-256 is stored; a request must
    /// present the token with the key, and is refused with `ExpiredToken` after `expiration`.
    public func issueTemporaryCredentials(
        accountId: String, userName: String? = nil, roleSession: RoleSession? = nil, duration: TimeInterval, mfaAt: Date? = nil,
        now: Date = Date()
    ) async throws -> TemporaryCredentials {
        guard account(id: accountId) != nil else { throw DirectoryError(.notFound, "No account \(accountId).") }
        let credentials = try await store.write { session in
            try await issueTemporaryCredentials(
                accountId: accountId, userName: userName, roleSession: roleSession, duration: duration, mfaAt: mfaAt, now: now, in: session)
        }
        try await refresh()
        return credentials
    }

    /// Issues temporary credentials inside a write transaction already open (the caller refreshes after it commits).
    public func issueTemporaryCredentials(
        accountId: String, userName: String? = nil, roleSession: RoleSession? = nil, duration: TimeInterval, mfaAt: Date? = nil,
        now: Date, in session: StoreSession
    ) async throws -> TemporaryCredentials {
        let id = Identifiers.prefixed("ASIA")
        let secret = Identifiers.secret()
        let token = Data((0..<64).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let expiration = now.addingTimeInterval(duration)
        try await session.insert(
            AccessKeyRecord(
                id: id, accountId: accountId, userName: userName, secretSealed: try instanceKey.seal(secret, context: id), status: "Active",
                createdAt: now.timeIntervalSince1970, expiresAt: expiration.timeIntervalSince1970,
                sessionTokenHash: Array(SHA256.hash(data: Array(token.utf8))), mfaAt: mfaAt?.timeIntervalSince1970,
                roleSession: try roleSession.map { try DocumentCoding.encode($0) }))
        return TemporaryCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }
}
