import AWSWire
import Directory

/// How sso-admin requests name their resources: the instance and permission set by ARN (a new permission set is
/// any of the instance's), the account of an assignment by ID. Their ARNs name no account: the instance's owner
/// owns them.
struct SSOAdminNaming: ResourceNaming {
    let snapshot: DirectorySnapshot

    func values(of variable: String, type: String, input: AWSValue, caller: Caller) -> [String] {
        switch variable {
        case "InstanceId": return input["InstanceArn"]?.string.map { [Self.lastComponent($0)] } ?? []
        case "PermissionSetId": return input["PermissionSetArn"]?.string.map { [Self.lastComponent($0)] } ?? []
        case "AccountId":
            if let account = input["AccountId"]?.string { return [account] }
            if input["TargetType"]?.string == "AWS_ACCOUNT", let target = input["TargetId"]?.string { return [target] }
            return []
        default: return []
        }
    }

    func owner(input: AWSValue, caller: Caller) -> String? {
        guard let arn = input["InstanceArn"]?.string else { return caller.principal.accountId }
        return Self.owner(in: snapshot, caller: caller) { $0.arn == arn }
    }

    /// The account whose instance `matches` says is the one (the caller's own, looked at first, when none is).
    static func owner(in snapshot: DirectorySnapshot, caller: Caller, _ matches: (IdentityCenterInstance) -> Bool) -> String {
        let own = caller.principal.accountId
        if let instance = snapshot.identityCenter[own]?.instance, matches(instance) { return own }
        return snapshot.identityCenter.first { $0.value.instance.map(matches) == true }?.key ?? own
    }

    static func lastComponent(_ arn: String) -> String {
        arn.split(separator: "/").last.map(String.init) ?? arn
    }
}

/// How identity store requests name their resources: the identity store by ID (in its owner's account), users,
/// groups and memberships by ID (a lookup by name or email acts on any user or group of the store).
struct IdentityStoreNaming: ResourceNaming {
    let snapshot: DirectorySnapshot

    func values(of variable: String, type: String, input: AWSValue, caller: Caller) -> [String] {
        switch variable {
        case "Account": return [owner(input: input, caller: caller) ?? caller.principal.accountId]
        case "IdentityStoreId": return input["IdentityStoreId"]?.string.map { [$0] } ?? []
        case "UserId": return (input["UserId"] ?? input["MemberId"]?["UserId"])?.string.map { [$0] } ?? []
        case "GroupId": return input["GroupId"]?.string.map { [$0] } ?? []
        case "MembershipId": return input["MembershipId"]?.string.map { [$0] } ?? []
        default: return []
        }
    }

    func owner(input: AWSValue, caller: Caller) -> String? {
        guard let store = input["IdentityStoreId"]?.string else { return caller.principal.accountId }
        return SSOAdminNaming.owner(in: snapshot, caller: caller) { $0.identityStoreId == store }
    }
}
