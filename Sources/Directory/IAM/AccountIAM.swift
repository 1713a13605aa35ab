import Foundation
import Storage

/// The kinds of IAM documents an account holds.
public enum IAMDocumentKind: String, DocumentKind, CaseIterable {
    case user, group, role, policy
    case loginProfile = "login_profile"
    case mfaDevice = "mfa_device"
    case passwordPolicy = "password_policy"
    case settings
    case credentialReport = "credential_report"
}

/// One account's IAM entities, in memory: what reads and authorization use.
///
/// Keys are lower-cased names (IAM names are unique regardless of case).
public struct AccountIAM: Sendable {
    /// Users, groups, roles and customer managed policies by lower-cased name, in name order (listings page
    /// without sorting, and while requests hold the account a write copies the chunk list and one chunk, not
    /// the whole map).
    public internal(set) var users = SortedMap<IAMUser>()
    public internal(set) var groups = SortedMap<IAMGroup>()
    public internal(set) var roles = SortedMap<IAMRole>()
    public internal(set) var policies = SortedMap<ManagedPolicy>()
    /// How many users, groups and roles each managed policy is attached to, by policy ARN, kept as they change
    /// (`GetPolicy` and each `ListPolicies` entry show it).
    public private(set) var attachmentCounts = SortedMap<Int>()
    /// Each group's members, by lower-cased group name: the members' user keys, kept as users join and leave.
    public private(set) var groupMembers = SortedMap<SortedMap<Bool>>()
    /// Console passwords by user key, and MFA devices by lower-cased device name.
    public internal(set) var loginProfiles = SortedMap<LoginProfile>()
    public internal(set) var mfaDevices = SortedMap<VirtualMFADevice>()
    /// Each owner's MFA devices, by lower-cased user name (or ``VirtualMFADevice/rootOwner``): the devices' keys, kept as devices are
    /// assigned and removed.
    public private(set) var mfaDevicesByOwner = SortedMap<SortedMap<Bool>>()
    public var passwordPolicy: PasswordPolicy?
    public var settings = AccountSettings()
    public var credentialReport: CredentialReport?

    public init() {}

    /// Applies one stored document (or its removal, when `body` is `nil`).
    mutating func apply(kind: IAMDocumentKind, key: String, body: String?, kept: (any Sendable)? = nil) throws {
        switch kind {
        case .user:
            let user = try body.map { try DocumentCoding.value(IAMUser.self, $0, kept: kept) }
            let old = users[key]
            recount(old?.attachedPolicies, user?.attachedPolicies)
            groupMembers.move(key, from: old?.groups ?? [], to: user?.groups ?? [])
            users[key] = user
        case .group:
            let group = try body.map { try DocumentCoding.value(IAMGroup.self, $0, kept: kept) }
            recount(groups[key]?.attachedPolicies, group?.attachedPolicies)
            groups[key] = group
        case .role:
            let role = try body.map { try DocumentCoding.value(IAMRole.self, $0, kept: kept) }
            recount(roles[key]?.attachedPolicies, role?.attachedPolicies)
            roles[key] = role
        case .policy: policies[key] = try body.map { try DocumentCoding.value(ManagedPolicy.self, $0, kept: kept) }
        case .loginProfile: loginProfiles[key] = try body.map { try DocumentCoding.value(LoginProfile.self, $0, kept: kept) }
        case .mfaDevice:
            let device = try body.map { try DocumentCoding.value(VirtualMFADevice.self, $0, kept: kept) }
            let owner = mfaDevices[key]?.userName
            mfaDevicesByOwner.move(key, from: owner.map { [$0] } ?? [], to: device?.userName.map { [$0] } ?? [])
            mfaDevices[key] = device
        case .passwordPolicy: passwordPolicy = try body.map { try DocumentCoding.value(PasswordPolicy.self, $0, kept: kept) }
        case .settings: settings = try body.map { try DocumentCoding.value(AccountSettings.self, $0, kept: kept) } ?? AccountSettings()
        case .credentialReport: credentialReport = try body.map { try DocumentCoding.value(CredentialReport.self, $0, kept: kept) }
        }
    }

    /// Moves the attachment counts from an entity's old policy ARNs to its new ones.
    private mutating func recount(_ old: [String]?, _ new: [String]?) {
        guard old != new else { return }
        for arn in old ?? [] {
            let count = (attachmentCounts[arn] ?? 0) - 1
            attachmentCounts[arn] = count > 0 ? count : nil
        }
        for arn in new ?? [] { attachmentCounts.update(arn, default: 0) { $0 += 1 } }
    }

    /// How many users, groups and roles the managed policy `arn` is attached to.
    public func attachmentCount(of arn: String) -> Int { attachmentCounts[arn] ?? 0 }

    /// The MFA devices assigned to `owner` (an IAM user name in any case, or ``VirtualMFADevice/rootOwner``).
    public func mfaDevices(of owner: String) -> [VirtualMFADevice] {
        guard let keys = mfaDevicesByOwner[owner.lowercased()] else { return [] }
        return keys.entries().compactMap { mfaDevices[$0.key] }
    }

    /// The user with this name (any case).
    public func user(_ name: String) -> IAMUser? { users[name.lowercased()] }
}
