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
    public var users: [String: IAMUser] = [:]
    public var groups: [String: IAMGroup] = [:]
    public var roles: [String: IAMRole] = [:]
    public var policies: [String: ManagedPolicy] = [:]
    public var loginProfiles: [String: LoginProfile] = [:]
    public var mfaDevices: [String: VirtualMFADevice] = [:]
    public var passwordPolicy: PasswordPolicy?
    public var settings = AccountSettings()
    public var credentialReport: CredentialReport?

    public init() {}

    /// Applies one stored document (or its removal, when `body` is `nil`).
    mutating func apply(kind: IAMDocumentKind, key: String, body: String?) throws {
        switch kind {
        case .user: users[key] = try body.map { try DocumentCoding.decode(IAMUser.self, $0) }
        case .group: groups[key] = try body.map { try DocumentCoding.decode(IAMGroup.self, $0) }
        case .role: roles[key] = try body.map { try DocumentCoding.decode(IAMRole.self, $0) }
        case .policy: policies[key] = try body.map { try DocumentCoding.decode(ManagedPolicy.self, $0) }
        case .loginProfile: loginProfiles[key] = try body.map { try DocumentCoding.decode(LoginProfile.self, $0) }
        case .mfaDevice: mfaDevices[key] = try body.map { try DocumentCoding.decode(VirtualMFADevice.self, $0) }
        case .passwordPolicy: passwordPolicy = try body.map { try DocumentCoding.decode(PasswordPolicy.self, $0) }
        case .settings: settings = try body.map { try DocumentCoding.decode(AccountSettings.self, $0) } ?? AccountSettings()
        case .credentialReport: credentialReport = try body.map { try DocumentCoding.decode(CredentialReport.self, $0) }
        }
    }

    /// The user with this name (any case).
    public func user(_ name: String) -> IAMUser? { users[name.lowercased()] }
}
