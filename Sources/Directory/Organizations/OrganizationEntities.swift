import Foundation

/// The kinds of Organizations documents, all kept under the management account.
public enum OrganizationDocumentKind: String, DocumentKind, CaseIterable {
    case organization = "org"
    case member = "org_account"
    case unit = "org_unit"
    case createAccountRequest = "org_create_account"
    case policy = "org_policy"
    case policyTypes = "org_policy_types"
}

/// An organization: its IDs, its management account and the services it lets in.
public struct Organization: Codable, Sendable, Equatable {
    public var id: String
    public var managementAccountId: String
    public var managementAccountEmail: String
    public var featureSet: String
    public var rootId: String
    public var created: Date
    /// Service principals given access (`sso.amazonaws.com`), with when.
    public var servicePrincipals: [String: Date] = [:]

    public var arn: String { "arn:aws:organizations::\(managementAccountId):organization/\(id)" }
    public var rootArn: String { "arn:aws:organizations::\(managementAccountId):root/\(id)/\(rootId)" }
    public func accountArn(_ accountId: String) -> String { "arn:aws:organizations::\(managementAccountId):account/\(id)/\(accountId)" }
    public func unitArn(_ unitId: String) -> String { "arn:aws:organizations::\(managementAccountId):ou/\(id)/\(unitId)" }
}

/// An account in an organization and where it sits.
public struct OrganizationMember: Codable, Sendable, Equatable {
    public var accountId: String
    /// The root or OU the account is in.
    public var parentId: String
    /// `CREATED` or `INVITED` (the management account counts as invited).
    public var joinedMethod: String
    public var joined: Date
}

/// An organizational unit.
public struct OrganizationalUnit: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var parentId: String
}

/// A CreateAccount request and how it ended.
public struct CreateAccountRequest: Codable, Sendable, Equatable {
    public var id: String
    public var accountName: String
    /// `SUCCEEDED` or `FAILED` (accounts are made inside the request, so never left `IN_PROGRESS`).
    public var state: String
    public var requested: Date
    public var completed: Date
    public var accountId: String?
    public var failureReason: String?
}

/// One organization in memory, under its management account's ID in the snapshot.
public struct OrganizationState: Sendable {
    public var organization: Organization?
    public var members: [String: OrganizationMember] = [:]
    public var units: [String: OrganizationalUnit] = [:]
    public var createAccountRequests: [String: CreateAccountRequest] = [:]
    public var policies: [String: OrganizationPolicy] = [:]
    public var policyTypes = EnabledPolicyTypes()

    public init() {}

    /// Whether the account holds no Organizations document (a refresh may apply an organization's documents in any order).
    var isEmpty: Bool {
        organization == nil && members.isEmpty && units.isEmpty && createAccountRequests.isEmpty && policies.isEmpty && policyTypes.types.isEmpty
    }

    mutating func apply(kind: OrganizationDocumentKind, key: String, body: String?, kept: (any Sendable)? = nil) throws {
        switch kind {
        case .organization: organization = try body.map { try DocumentCoding.value(Organization.self, $0, kept: kept) }
        case .member: members[key] = try body.map { try DocumentCoding.value(OrganizationMember.self, $0, kept: kept) }
        case .unit: units[key] = try body.map { try DocumentCoding.value(OrganizationalUnit.self, $0, kept: kept) }
        case .createAccountRequest: createAccountRequests[key] = try body.map { try DocumentCoding.value(CreateAccountRequest.self, $0, kept: kept) }
        case .policy: policies[key] = try body.map { try DocumentCoding.value(OrganizationPolicy.self, $0, kept: kept) }
        case .policyTypes: policyTypes = try body.map { try DocumentCoding.value(EnabledPolicyTypes.self, $0, kept: kept) } ?? EnabledPolicyTypes()
        }
    }
}
