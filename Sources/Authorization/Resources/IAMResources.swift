import AWSWire
import Directory

/// How IAM and STS requests name their resources: users, groups, roles, policies and MFA devices by name (with the
/// path the entity has, or the request gives for a new one), and the calling user for its own credentials.
struct IAMNaming: ResourceNaming {
    let iam: AccountIAM

    func values(of variable: String, type: String, input: AWSValue, caller: Caller) -> [String] {
        let path = input["Path"]?.string ?? "/"
        switch variable {
        case "Account": return [caller.principal.accountId]
        case "UserNameWithPath":
            if let name = input["UserName"]?.string { return [iam.user(name).map { Self.withPath($0.path, $0.name) } ?? Self.withPath(path, name)] }
            // An operation on one's own credentials acts on the calling user when it names none.
            guard caller.principal.kind == .user, let user = iam.user(caller.principal.username) else { return [] }
            return [Self.withPath(user.path, user.name)]
        case "GroupNameWithPath":
            guard let name = input["GroupName"]?.string else { return [] }
            return [iam.groups[name.lowercased()].map { Self.withPath($0.path, $0.name) } ?? Self.withPath(path, name)]
        case "RoleNameWithPath":
            guard let name = input["RoleName"]?.string else { return [] }
            return [iam.roles[name.lowercased()].map { Self.withPath($0.path, $0.name) } ?? Self.withPath(path, name)]
        case "PolicyNameWithPath":
            guard let name = input["PolicyName"]?.string else { return [] }
            return [Self.withPath(path, name)]
        case "MfaTokenIdWithPath":
            if let name = input["VirtualMFADeviceName"]?.string { return [Self.withPath(path, name)] }
            // A serial number that is an ARN is matched against each template whole; a hardware token's is its ID.
            return input["SerialNumber"]?.string.flatMap { $0.hasPrefix("arn:") ? nil : [$0] } ?? []
        case "InstanceProfileNameWithPath": return input["InstanceProfileName"]?.string.map { [Self.withPath(path, $0)] } ?? []
        case "CertificateNameWithPath": return input["ServerCertificateName"]?.string.map { [Self.withPath(path, $0)] } ?? []
        case "SamlProviderName": return input["Name"]?.string.map { [$0] } ?? []
        case "FederatedUserName": return input["Name"]?.string.map { [$0] } ?? []
        default: return []
        }
    }

    /// IAM decides its listings against the listed type's path, though the reference names no resource type for them:
    /// AWS answers `... is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::<account>:user/ because
    /// no identity-based policy allows the iam:ListUsers action`, and a `PathPrefix` narrows it (`user/division/`).
    static let listings = [
        "iam:ListUsers": "user", "iam:ListGroups": "group", "iam:ListRoles": "role", "iam:ListPolicies": "policy",
        "iam:ListVirtualMFADevices": "mfa", "iam:ListInstanceProfiles": "instance-profile",
    ]

    func listing(_ action: String, input: AWSValue, caller: Caller) -> String? {
        guard let type = Self.listings[action] else { return nil }
        return "arn:aws:iam::\(caller.principal.accountId):\(type)\(input["PathPrefix"]?.string ?? "/")"
    }

    /// `team/bob` for a user `bob` at path `/team/` (the ARN's `user/` is the template's).
    static func withPath(_ path: String, _ name: String) -> String {
        String(path.dropFirst()) + name
    }
}

/// The tags of IAM resources, for `aws:ResourceTag/...`.
enum IAMResources {
    /// The tags of the IAM resource an ARN names.
    static func tags(of arn: String, iam: AccountIAM) -> [IAMTag]? {
        // `arn:aws:iam::<account>:<type>/<path>/<name>`: the type follows the fifth colon, the name the last slash.
        let bytes = arn.utf8
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        var colons = 0
        var typeStart = bytes.startIndex
        for index in bytes.indices where bytes[index] == UInt8(ascii: ":") {
            colons += 1
            if colons == 5 {
                typeStart = bytes.index(after: index)
                break
            }
        }
        guard colons == 5 else { return nil }
        let name = String(arn[arn.index(after: slash)...]).lowercased()
        // Compared as bytes: `hasPrefix` on a substring compares characters, at many times the cost.
        let type = bytes[typeStart...]
        if type.starts(with: "user/".utf8) { return iam.users[name]?.tags }
        if type.starts(with: "role/".utf8) { return iam.roles[name]?.tags }
        if type.starts(with: "policy/".utf8) { return iam.policies[name]?.tags }
        return nil
    }
}
