import Crypto
import Foundation

/// Who made a call: the account's root user, an IAM user, a role session, or (signing in to the access portal)
/// an Identity Center user.
public struct Principal: Sendable, Equatable {
    /// The kinds of principal AWS distinguishes (CloudTrail's `userIdentity.type`).
    public enum Kind: String, Sendable {
        case root = "Root"
        case user = "IAMUser"
        case assumedRole = "AssumedRole"
        /// A user of an Identity Center identity store, signing in to the access portal.
        case identityCenterUser = "IdentityCenterUser"
        /// A sign-in attempt for a user name that does not exist (AWS hides the name).
        case unknown = "Unknown"
    }

    public var kind: Kind
    public var accountId: String
    /// `arn:aws:iam::123456789012:root`.
    public var arn: String
    /// The unique ID AWS reports as `UserId` / `principalId` (the account ID for root).
    public var userId: String
    /// The name LookupEvents reports as `Username` (`root` for the root user, the session name for a role session).
    public var username: String
    /// For a role session: the role and the session.
    public var roleSession: RoleSession?
    /// For a role session: the role's ARN and ID.
    public var roleArn: String?
    public var roleId: String?

    /// The root user of `accountId`.
    public static func root(of accountId: String) -> Principal {
        Principal(kind: .root, accountId: accountId, arn: "arn:aws:iam::\(accountId):root", userId: accountId, username: "root")
    }

    /// An IAM user of `accountId`.
    public static func user(_ user: IAMUser, of accountId: String) -> Principal {
        Principal(kind: .user, accountId: accountId, arn: user.arn, userId: user.id, username: user.name)
    }

    /// A user of the identity store of the instance `ownerAccountId` owns.
    public static func identityCenterUser(id: String, userName: String, of ownerAccountId: String) -> Principal {
        Principal(kind: .identityCenterUser, accountId: ownerAccountId, arn: "arn:aws:identitystore:::user/\(id)", userId: id, username: userName)
    }

    /// Someone who gave a user name the identity store of `ownerAccountId` does not have.
    public static func unknownUser(of ownerAccountId: String) -> Principal {
        Principal(kind: .unknown, accountId: ownerAccountId, arn: "", userId: "", username: "HIDDEN_DUE_TO_SECURITY_REASONS")
    }

    /// Someone who gave an IAM user name `accountId` does not have (CloudTrail hides the name).
    public static func unknownIAMUser(of accountId: String) -> Principal {
        Principal(kind: .user, accountId: accountId, arn: "", userId: "", username: "HIDDEN_DUE_TO_SECURITY_REASONS")
    }

    /// A session of `role` (`arn:aws:sts::<account>:assumed-role/<role>/<session>`).
    public static func assumedRole(_ role: IAMRole, session: RoleSession, of accountId: String) -> Principal {
        Principal(
            kind: .assumedRole, accountId: accountId, arn: "arn:aws:sts::\(accountId):assumed-role/\(role.name)/\(session.sessionName)",
            userId: "\(role.id):\(session.sessionName)", username: session.sessionName, roleSession: session, roleArn: role.arn, roleId: role.id)
    }
}

/// An access key as the request path sees it: the secret in clear (memory only) and whose it is.
public struct Credential: Sendable {
    public var accessKeyId: String
    public var secret: String
    public var accountId: String
    /// The IAM user the key belongs to; `nil` for the root user.
    public var userName: String?
    public var active: Bool
    public var created: Double
    /// For temporary credentials: when they stop working (seconds since 1970).
    public var expiresAt: Double?
    /// For temporary credentials: SHA-256 of the session token that must accompany the key.
    public var sessionTokenHash: [UInt8]?
    /// For temporary credentials made with an MFA code: when the code was checked (seconds since 1970).
    public var mfaAt: Double?
    /// For role sessions: what the session is.
    public var roleSession: RoleSession?

    /// Whether `token` is this credential's session token (constant time); long-term keys take none.
    public func acceptsSessionToken(_ token: String?) -> Bool {
        guard let expected = sessionTokenHash else { return token == nil }
        guard let token else { return false }
        return ConstantTime.equals(Array(SHA256.hash(data: Array(token.utf8))), expected)
    }
}

/// An account as the request path sees it.
public struct Account: Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String
    public var created: Date
}

/// A role session: which role, under which name, and what the caller asked to limit or tag it with.
public struct RoleSession: Codable, Sendable, Equatable {
    public var roleName: String
    public var sessionName: String
    /// Inline session policy documents (`Policy`).
    public var policies: [String] = []
    /// Managed session policies (`PolicyArns`).
    public var policyArns: [String] = []
    /// Session tags (they become `aws:PrincipalTag/...`).
    public var tags: [IAMTag] = []
    public var transitiveTagKeys: [String] = []
    public var sourceIdentity: String?
    /// Whether a role session assumed this role (role chaining).
    public var chained = false

    public init(roleName: String, sessionName: String) {
        self.roleName = roleName
        self.sessionName = sessionName
    }

    /// Whether session policies apply (they cap what the role's policies allow).
    public var hasSessionPolicies: Bool { !policies.isEmpty || !policyArns.isEmpty }
}
