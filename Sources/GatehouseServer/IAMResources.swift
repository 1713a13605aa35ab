import AWSWire
import Directory

/// The resource ARN an operation acts on, as AWS's service authorization reference names it.
enum IAMResources {
    static func arn(operation: String, input: AWSValue, caller: Caller, iam: AccountIAM, service: ServiceModel) -> String {
        if service.signingName == "sts", operation == "AssumeRole", let role = input["RoleArn"]?.string { return role }
        guard service.signingName == "iam" else { return "*" }
        let account = caller.principal.accountId
        let path = input["Path"]?.string ?? "/"
        func user(_ name: String) -> String { iam.user(name)?.arn ?? "arn:aws:iam::\(account):user\(path)\(name)" }
        if operation.contains("Group"), let name = input["GroupName"]?.string {
            return iam.groups[name.lowercased()]?.arn ?? "arn:aws:iam::\(account):group\(path)\(name)"
        }
        if operation.contains("Role"), let name = input["RoleName"]?.string {
            return iam.roles[name.lowercased()]?.arn ?? "arn:aws:iam::\(account):role\(path)\(name)"
        }
        if operation.hasSuffix("VirtualMFADevice") || operation.contains("MFADeviceTag") || ["GetMFADevice", "TagMFADevice", "UntagMFADevice"].contains(operation) {
            if let serial = input["SerialNumber"]?.string { return serial.hasPrefix("arn:") ? serial : "arn:aws:iam::\(account):mfa/\(serial)" }
            if let name = input["VirtualMFADeviceName"]?.string { return "arn:aws:iam::\(account):mfa\(path)\(name)" }
        }
        if let name = input["UserName"]?.string { return user(name) }
        if let arn = input["PolicyArn"]?.string { return arn }
        if operation == "CreatePolicy", let name = input["PolicyName"]?.string { return "arn:aws:iam::\(account):policy\(path)\(name)" }
        // Listing acts on the path of the type listed: `arn:aws:iam::<account>:user/` for ListUsers.
        let listed = ["ListUsers": "user", "ListGroups": "group", "ListRoles": "role", "ListPolicies": "policy", "ListVirtualMFADevices": "mfa"]
        if let type = listed[operation] { return "arn:aws:iam::\(account):\(type)\(input["PathPrefix"]?.string ?? "/")" }
        // Operations on one's own credentials without a UserName act on the caller.
        let ownCredentials = ["AccessKey", "LoginProfile", "ChangePassword", "MFADevice", "SSHPublicKey", "SigningCertificate", "GetUser"]
        if caller.principal.kind == .user, ownCredentials.contains(where: { operation.contains($0) }) {
            return caller.principal.arn
        }
        return "*"
    }

    /// The tags of the IAM resource an ARN names, for `aws:ResourceTag/...`.
    static func tags(of arn: String, iam: AccountIAM) -> [IAMTag]? {
        guard let name = arn.split(separator: "/").last.map({ String($0).lowercased() }) else { return nil }
        if arn.contains(":user/") { return iam.users[name]?.tags }
        if arn.contains(":role/") { return iam.roles[name]?.tags }
        if arn.contains(":policy/") { return iam.policies[name]?.tags }
        return nil
    }
}
