import AWSWire
import Directory

/// The resource ARN an operation acts on, as AWS's service authorization reference names it.
enum IAMResources {
    /// What an IAM operation's name says about its resource, worked out once per operation.
    struct Target {
        /// `...Group...`: the group named by `GroupName`, when given.
        let group: Bool
        /// `...Role...`: the role named by `RoleName`, when given.
        let role: Bool
        /// A virtual MFA device or its tags, by serial number or device name.
        let mfaDevice: Bool
        /// `CreatePolicy`: the policy to be.
        let newPolicy: Bool
        /// A listing acts on the path of the type listed (`arn:aws:iam::<account>:user/` for `ListUsers`).
        let listedType: String?
        /// An operation on one's own credentials acts on the caller when it names no user.
        let ownCredentials: Bool

        init(operation: String) {
            let listed = ["ListUsers": "user", "ListGroups": "group", "ListRoles": "role", "ListPolicies": "policy", "ListVirtualMFADevices": "mfa"]
            let ownCredentials = ["AccessKey", "LoginProfile", "ChangePassword", "MFADevice", "SSHPublicKey", "SigningCertificate", "GetUser"]
            group = operation.contains("Group")
            role = operation.contains("Role")
            mfaDevice = operation.hasSuffix("VirtualMFADevice") || operation.contains("MFADeviceTag")
                || ["GetMFADevice", "TagMFADevice", "UntagMFADevice"].contains(operation)
            newPolicy = operation == "CreatePolicy"
            listedType = listed[operation]
            self.ownCredentials = ownCredentials.contains { operation.contains($0) }
        }
    }

    /// Every IAM operation's target.
    static let targets = Dictionary(uniqueKeysWithValues: ServiceModel.iam.operations.keys.map { ($0, Target(operation: $0)) })

    static func arn(operation: String, input: AWSValue, caller: Caller, iam: AccountIAM, service: ServiceModel) -> String {
        if service.signingName == "sts", operation == "AssumeRole", let role = input["RoleArn"]?.string { return role }
        guard service.signingName == "iam" else { return "*" }
        let target = targets[operation] ?? Target(operation: operation)
        let account = caller.principal.accountId
        var path: String { input["Path"]?.string ?? "/" }
        if target.group, let name = input["GroupName"]?.string {
            return iam.groups[name.lowercased()]?.arn ?? "arn:aws:iam::\(account):group\(path)\(name)"
        }
        if target.role, let name = input["RoleName"]?.string {
            return iam.roles[name.lowercased()]?.arn ?? "arn:aws:iam::\(account):role\(path)\(name)"
        }
        if target.mfaDevice {
            if let serial = input["SerialNumber"]?.string { return serial.hasPrefix("arn:") ? serial : "arn:aws:iam::\(account):mfa/\(serial)" }
            if let name = input["VirtualMFADeviceName"]?.string { return "arn:aws:iam::\(account):mfa\(path)\(name)" }
        }
        if let name = input["UserName"]?.string { return iam.user(name)?.arn ?? "arn:aws:iam::\(account):user\(path)\(name)" }
        if let arn = input["PolicyArn"]?.string { return arn }
        if target.newPolicy, let name = input["PolicyName"]?.string { return "arn:aws:iam::\(account):policy\(path)\(name)" }
        if let type = target.listedType { return "arn:aws:iam::\(account):\(type)\(input["PathPrefix"]?.string ?? "/")" }
        if target.ownCredentials, caller.principal.kind == .user { return caller.principal.arn }
        return "*"
    }

    /// The tags of the IAM resource an ARN names, for `aws:ResourceTag/...`.
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
