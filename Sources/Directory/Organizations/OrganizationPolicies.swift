import Foundation

/// A policy of an organization: a service or resource control policy, or a management policy (tag, backup, AI
/// services opt-out), with the roots, OUs and accounts it is attached to.
public struct OrganizationPolicy: Codable, Sendable, Equatable {
    /// `p-` and 8 to 128 lower-case letters or digits; AWS's own are `p-FullAWSAccess` and `p-RCPFullAWSAccess`.
    public var id: String
    public var name: String
    public var description: String
    /// `SERVICE_CONTROL_POLICY`, `RESOURCE_CONTROL_POLICY`, `TAG_POLICY`, `BACKUP_POLICY`, `AISERVICES_OPT_OUT_POLICY`.
    public var type: String
    public var content: String
    public var awsManaged: Bool
    /// Root, OU and account IDs, in the order they were attached.
    public var targets: [String]
    /// When it was created or its content last changed (`nil` for AWS's own, and for policies stored before it was kept).
    public var updated: Date?

    /// `arn:aws:organizations::<management account>:policy/<organization>/<type>/<id>`; AWS's own are under `aws`.
    public func arn(in organization: Organization) -> String {
        awsManaged
            ? "arn:aws:organizations::aws:policy/\(type.lowercased())/\(id)"
            : "arn:aws:organizations::\(organization.managementAccountId):policy/\(organization.id)/\(type.lowercased())/\(id)"
    }
}

/// The policy types enabled on an organization's root, with when.
public struct EnabledPolicyTypes: Codable, Sendable, Equatable {
    public var types: [String: Date] = [:]
}

/// The policy types Gatehouse serves and their rules.
public enum OrganizationPolicyType {
    public static let serviceControl = "SERVICE_CONTROL_POLICY"
    public static let resourceControl = "RESOURCE_CONTROL_POLICY"
    public static let all = [serviceControl, resourceControl, "TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY"]

    /// The most characters a policy of the type may hold (AWS's quotas: 5,120 for SCPs and RCPs, 10,000 for the others).
    public static func maxContent(_ type: String) -> Int {
        type == serviceControl || type == resourceControl ? 5_120 : 10_000
    }

    /// The most policies of the type attached to one target (5 SCPs and 5 RCPs; 10 of the others).
    public static func maxAttachments(_ type: String) -> Int {
        type == serviceControl || type == resourceControl ? 5 : 10
    }

    /// Whether a target must keep at least one policy of the type (an SCP or RCP; without one, nothing would be allowed).
    public static func requiresOne(_ type: String) -> Bool {
        type == serviceControl || type == resourceControl
    }

    /// AWS's own policy of a control type, attached to the root, every OU and every account when the type is enabled.
    public static func fullAccess(_ type: String) -> OrganizationPolicy? {
        switch type {
        case serviceControl:
            OrganizationPolicy(
                id: "p-FullAWSAccess", name: "FullAWSAccess", description: "Allows access to every operation", type: type,
                content: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#, awsManaged: true, targets: [])
        case resourceControl:
            OrganizationPolicy(
                id: "p-RCPFullAWSAccess", name: "RCPFullAWSAccess", description: "Allows access to every operation", type: type,
                content: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
                awsManaged: true, targets: [])
        default: nil
        }
    }
}

extension OrganizationState {
    /// The control policies (`type`) that apply to `accountId` at each level of the organization, from the root
    /// down through its OUs to the account; `nil` when the type is not enabled or the account is the management
    /// account (which they never restrict).
    public func controlPolicies(_ type: String, for accountId: String) -> [[OrganizationPolicy]]? {
        guard organization?.managementAccountId != accountId else { return nil }
        return policyLevels(type, for: accountId)
    }

    /// The policies of `type` attached at each level above and at `accountId` (the management account too), root
    /// first; `nil` when the type is not enabled or the account is not in the organization.
    public func policyLevels(_ type: String, for accountId: String) -> [[OrganizationPolicy]]? {
        guard let organization, policyTypes.types[type] != nil, let member = members[accountId] else { return nil }
        var path: [String] = [accountId]
        var parent = member.parentId
        while parent != organization.rootId, let unit = units[parent], path.count <= 6 {
            path.append(unit.id)
            parent = unit.parentId
        }
        path.append(organization.rootId)
        let ofType = policies.values.filter { $0.type == type }.sorted { $0.id < $1.id }
        return path.reversed().map { target in ofType.filter { $0.targets.contains(target) } }
    }
}
