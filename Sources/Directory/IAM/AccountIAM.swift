import Foundation
import Storage

/// The kinds of IAM documents an account holds.
public enum IAMDocumentKind: String, Sendable, CaseIterable {
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
        case .user: users[key] = try body.map { try IAMCoding.decode(IAMUser.self, $0) }
        case .group: groups[key] = try body.map { try IAMCoding.decode(IAMGroup.self, $0) }
        case .role: roles[key] = try body.map { try IAMCoding.decode(IAMRole.self, $0) }
        case .policy: policies[key] = try body.map { try IAMCoding.decode(ManagedPolicy.self, $0) }
        case .loginProfile: loginProfiles[key] = try body.map { try IAMCoding.decode(LoginProfile.self, $0) }
        case .mfaDevice: mfaDevices[key] = try body.map { try IAMCoding.decode(VirtualMFADevice.self, $0) }
        case .passwordPolicy: passwordPolicy = try body.map { try IAMCoding.decode(PasswordPolicy.self, $0) }
        case .settings: settings = try body.map { try IAMCoding.decode(AccountSettings.self, $0) } ?? AccountSettings()
        case .credentialReport: credentialReport = try body.map { try IAMCoding.decode(CredentialReport.self, $0) }
        }
    }

    /// The user with this name (any case).
    public func user(_ name: String) -> IAMUser? { users[name.lowercased()] }
}

/// How IAM documents are written: JSON, sorted keys, dates as seconds since 1970.
enum IAMCoding {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(type, from: Data(text.utf8))
    }
}

/// Typed reads and writes of an account's IAM documents inside one store transaction.
///
/// Checks that must hold across processes (a name is free, a user has at most two keys)
/// read the store here, inside the write transaction, never the snapshot.
public struct IAMTransaction: Sendable {
    public let session: StoreSession
    public let accountId: String

    public init(session: StoreSession, accountId: String) {
        self.session = session
        self.accountId = accountId
    }

    public func get<T: Decodable>(_ type: T.Type, _ kind: IAMDocumentKind, _ name: String) async throws -> T? {
        try await session.document(accountId: accountId, kind: kind.rawValue, key: name.lowercased()).map { try IAMCoding.decode(type, $0.body) }
    }

    public func all<T: Decodable>(_ type: T.Type, _ kind: IAMDocumentKind) async throws -> [T] {
        try await session.documents(accountId: accountId, kind: kind.rawValue).map { try IAMCoding.decode(type, $0.body) }
    }

    public func put(_ value: some Encodable, _ kind: IAMDocumentKind, _ name: String) async throws {
        try await session.put(DocumentRecord(accountId: accountId, kind: kind.rawValue, key: name.lowercased(), body: try IAMCoding.encode(value)))
    }

    public func delete(_ kind: IAMDocumentKind, _ name: String) async throws {
        try await session.deleteDocument(accountId: accountId, kind: kind.rawValue, key: name.lowercased())
    }
}
