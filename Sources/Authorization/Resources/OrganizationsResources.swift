import AWSWire
import Directory

/// How Organizations requests name their resources: the caller's organization (its management account and ID),
/// accounts by ID, roots and OUs by the IDs the request gives (a move names two parents), handshakes and policies
/// by ID. The templates carry the IDs' prefixes (`ou-`, `r-`), so the values here leave them out.
struct OrganizationsNaming: ResourceNaming {
    let organization: Organization?

    /// Members that may hold an account, root or OU ID.
    static let placeMembers = ["ParentId", "SourceParentId", "DestinationParentId", "TargetId", "ChildId", "OrganizationalUnitId", "RootId"]

    func values(of variable: String, type: String, input: AWSValue, caller: Caller) -> [String] {
        switch variable {
        case "Account": return [organization?.managementAccountId ?? caller.principal.accountId]
        case "OrganizationId": return organization.map { [String($0.id.dropFirst("o-".count))] } ?? []
        case "AccountId":
            let given = (["AccountId"] + Self.placeMembers).compactMap { input[$0]?.string }
            let accounts = Array(Set(given.filter { $0.count == 12 && $0.allSatisfy(\.isNumber) })).sorted()
            // An account resource the request does not name is the caller's own (LeaveOrganization, DescribeEffectivePolicy).
            return type == "account" && accounts.isEmpty && !given.contains(where: { $0.hasPrefix("r-") || $0.hasPrefix("ou-") })
                ? [caller.principal.accountId] : accounts
        case "OrganizationalUnitId": return ids(withPrefix: "ou-", in: input)
        case "RootId": return ids(withPrefix: "r-", in: input)
        case "PolicyId": return input["PolicyId"]?.string.flatMap { $0.hasPrefix("p-") ? [String($0.dropFirst(2))] : nil } ?? []
        case "PolicyType": return input["PolicyType"]?.string.map { [$0.lowercased()] } ?? []
        case "HandshakeId": return input["HandshakeId"]?.string.flatMap { $0.hasPrefix("h-") ? [String($0.dropFirst(2))] : nil } ?? []
        default: return []
        }
    }

    /// A request that names no account, root or OU but the caller's own acts on the caller's own account: a member's
    /// DescribeEffectivePolicy ("from any account in the organization") is not cross-account, though the account's ARN
    /// is under the management account. A request naming anything else acts on the management account's resources.
    func owner(input: AWSValue, caller: Caller) -> String? {
        let named = (["AccountId"] + Self.placeMembers).compactMap { input[$0]?.string }
        return named.allSatisfy { $0 == caller.principal.accountId } ? caller.principal.accountId : nil
    }

    func ids(withPrefix prefix: String, in input: AWSValue) -> [String] {
        let given = Self.placeMembers.compactMap { input[$0]?.string }.filter { $0.hasPrefix(prefix) }
        return Array(Set(given.map { String($0.dropFirst(prefix.count)) })).sorted()
    }
}

/// How CloudTrail requests name their resources: trails by name, in the caller's account and region.
struct CloudTrailNaming: ResourceNaming {
    func values(of variable: String, type: String, input: AWSValue, caller: Caller) -> [String] {
        switch variable {
        case "Account": return [caller.principal.accountId]
        case "Region": return [caller.region]
        case "TrailName": return (input["Name"] ?? input["TrailName"])?.string.map { [$0] } ?? []
        default: return []
        }
    }
}
