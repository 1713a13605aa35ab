import Foundation
import WebAuthn

/// A tag on an IAM entity.
public struct IAMTag: Codable, Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// An IAM user.
public struct IAMUser: Codable, Sendable, Equatable {
    public var name: String
    public var id: String
    public var path: String
    public var arn: String
    public var created: Date
    public var tags: [IAMTag] = []
    public var permissionsBoundary: String?
    /// Names of the groups the user is in.
    public var groups: [String] = []
    /// ARNs of the managed policies attached to the user.
    public var attachedPolicies: [String] = []
    /// Inline policies by name (URL-decoded JSON text).
    public var inlinePolicies: [String: String] = [:]
    public var passwordLastUsed: Date?
}

/// An IAM group.
public struct IAMGroup: Codable, Sendable, Equatable {
    public var name: String
    public var id: String
    public var path: String
    public var arn: String
    public var created: Date
    public var attachedPolicies: [String] = []
    public var inlinePolicies: [String: String] = [:]
}

/// An IAM role.
public struct IAMRole: Codable, Sendable, Equatable {
    public var name: String
    public var id: String
    public var path: String
    public var arn: String
    public var created: Date
    public var trustPolicy: String
    public var description: String?
    public var maxSessionDuration: Int
    public var tags: [IAMTag] = []
    public var permissionsBoundary: String?
    public var attachedPolicies: [String] = []
    public var inlinePolicies: [String: String] = [:]
}

/// A customer managed policy, with its versions.
public struct ManagedPolicy: Codable, Sendable, Equatable {
    /// One version of a managed policy's document.
    public struct Version: Codable, Sendable, Equatable {
        public var id: String
        public var document: String
        public var created: Date
    }

    public var name: String
    public var id: String
    public var path: String
    public var arn: String
    public var created: Date
    public var updated: Date
    public var description: String?
    public var tags: [IAMTag] = []
    public var defaultVersionId: String
    public var versions: [Version]
    /// The number the next version gets (`v<n>`); versions are never renumbered.
    public var nextVersion: Int

    public var defaultDocument: String { versions.first { $0.id == defaultVersionId }?.document ?? "" }
}

/// A user's console password.
public struct LoginProfile: Codable, Sendable, Equatable {
    public var userName: String
    public var created: Date
    public var passwordHash: String
    public var passwordResetRequired: Bool
    public var passwordChanged: Date
    /// Hashes of earlier passwords, newest first (for reuse prevention).
    public var previousHashes: [String] = []
}

/// The account's password policy; every field as AWS has it (an unset minimum length is 6).
public struct PasswordPolicy: Codable, Sendable, Equatable {
    public var minimumPasswordLength: Int = 6
    public var requireSymbols = false
    public var requireNumbers = false
    public var requireUppercaseCharacters = false
    public var requireLowercaseCharacters = false
    public var allowUsersToChangePassword = false
    public var maxPasswordAge: Int?
    public var passwordReusePrevention: Int?
    public var hardExpiry = false

    public init() {}
}

/// A virtual MFA device (an authenticator app's TOTP seed).
public struct VirtualMFADevice: Codable, Sendable, Equatable {
    public var serialNumber: String
    public var name: String
    public var path: String
    /// The seed, sealed under the instance key (base64).
    public var sealedSeed: String
    /// The user it is assigned to (`nil` while unassigned; the root user's devices say ``rootOwner``).
    public var userName: String?
    public var enabled: Date?
    /// The last TOTP time step accepted (a code is never accepted twice).
    public var lastStep: Int64 = 0
    public var tags: [IAMTag] = []
    /// For a security key or passkey (registered in the console with WebAuthn): its credential. Such a device has no seed.
    public var securityKey: WebAuthnCredential?

    /// The owner the root user's devices are assigned to: `:` is outside IAM's user name characters,
    /// so an IAM user named `root` (in any case) has devices of its own.
    public static let rootOwner = ":root"

    /// The owner `principal`'s devices are assigned to: the root user's, an IAM user's name, or `nil` for others (roles, Identity Center users).
    public static func owner(of principal: Principal) -> String? {
        switch principal.kind {
        case .root: rootOwner
        case .user: principal.username
        default: nil
        }
    }

    /// The owner as a listing or message shows it: the user's name, or `root` for the root user's devices.
    public var ownerName: String? { userName.map(Self.displayName) }

    /// An owner as a listing or message shows it.
    public static func displayName(of owner: String) -> String { owner == rootOwner ? "root" : owner }
}

/// Account-wide IAM settings.
public struct AccountSettings: Codable, Sendable, Equatable {
    /// The account alias: the sign-in name that stands for the account ID.
    public var alias: String?
    /// The root user's switch "IAM user and role access to billing" (stored optional: older documents lack it).
    var billingAccess: Bool?

    /// Whether IAM identities whose policies allow billing actions may use them; off until root turns it on.
    public var iamBillingAccess: Bool { billingAccess ?? false }

    public init() {}
}

/// A generated credential report (the CSV `GetCredentialReport` returns).
public struct CredentialReport: Codable, Sendable, Equatable {
    public var generated: Date
    public var csv: String
}
