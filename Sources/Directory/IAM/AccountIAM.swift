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
    /// without sorting, and a write copies one chunk while requests hold the account).
    public var users = SortedMap<IAMUser>()
    public var groups = SortedMap<IAMGroup>()
    public var roles = SortedMap<IAMRole>()
    public var policies = SortedMap<ManagedPolicy>()
    public var loginProfiles: [String: LoginProfile] = [:]
    public var mfaDevices: [String: VirtualMFADevice] = [:]
    public var passwordPolicy: PasswordPolicy?
    public var settings = AccountSettings()
    public var credentialReport: CredentialReport?

    public init() {}

    /// Applies one stored document (or its removal, when `body` is `nil`).
    mutating func apply(kind: IAMDocumentKind, key: String, body: String?, kept: (any Sendable)? = nil) throws {
        switch kind {
        case .user: users[key] = try body.map { try DocumentCoding.value(IAMUser.self, $0, kept: kept) }
        case .group: groups[key] = try body.map { try DocumentCoding.value(IAMGroup.self, $0, kept: kept) }
        case .role: roles[key] = try body.map { try DocumentCoding.value(IAMRole.self, $0, kept: kept) }
        case .policy: policies[key] = try body.map { try DocumentCoding.value(ManagedPolicy.self, $0, kept: kept) }
        case .loginProfile: loginProfiles[key] = try body.map { try DocumentCoding.value(LoginProfile.self, $0, kept: kept) }
        case .mfaDevice: mfaDevices[key] = try body.map { try DocumentCoding.value(VirtualMFADevice.self, $0, kept: kept) }
        case .passwordPolicy: passwordPolicy = try body.map { try DocumentCoding.value(PasswordPolicy.self, $0, kept: kept) }
        case .settings: settings = try body.map { try DocumentCoding.value(AccountSettings.self, $0, kept: kept) } ?? AccountSettings()
        case .credentialReport: credentialReport = try body.map { try DocumentCoding.value(CredentialReport.self, $0, kept: kept) }
        }
    }

    /// The user with this name (any case).
    public func user(_ name: String) -> IAMUser? { users[name.lowercased()] }
}
