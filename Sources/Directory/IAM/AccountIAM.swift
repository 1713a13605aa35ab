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
    public private(set) var users: [String: IAMUser] = [:]
    /// The keys of `users` in order, kept sorted as users come and go, so that `ListUsers` pages
    /// without sorting.
    public private(set) var userKeys: [String] = []
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
    mutating func apply(kind: IAMDocumentKind, key: String, body: String?, kept: (any Sendable)? = nil) throws {
        switch kind {
        case .user:
            let position = Self.position(of: key, in: userKeys)
            let listed = position < userKeys.count && userKeys[position] == key
            if let body {
                users[key] = try DocumentCoding.value(IAMUser.self, body, kept: kept)
                if !listed { userKeys.insert(key, at: position) }
            } else {
                users[key] = nil
                if listed { userKeys.remove(at: position) }
            }
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

    /// Where `key` is, or would go, in the sorted `keys` (binary search).
    static func position(of key: String, in keys: [String]) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The user with this name (any case).
    public func user(_ name: String) -> IAMUser? { users[name.lowercased()] }
}
