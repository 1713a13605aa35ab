import AWSWire
import Foundation

extension IAMOperations {
    /// A policy by ARN from the snapshot: AWS managed, or the account's own.
    func policy(_ arn: String, in iam: AccountIAM, accountId: String) throws -> ManagedPolicy {
        if let managed = AWSManagedPolicies.byArn[arn] { return managed }
        guard arn.hasPrefix("arn:aws:iam::\(accountId):policy/"), let name = arn.split(separator: "/").last,
            let policy = iam.policies[name.lowercased()], policy.arn == arn
        else {
            throw Self.noSuchEntity("Policy \(arn) does not exist or is not attachable.")
        }
        return policy
    }

    static func attachments(of arn: String, in iam: AccountIAM) -> (users: [IAMUser], groups: [IAMGroup], roles: [IAMRole]) {
        (
            iam.users.values.filter { $0.attachedPolicies.contains(arn) }.sorted { $0.name < $1.name },
            iam.groups.values.filter { $0.attachedPolicies.contains(arn) }.sorted { $0.name < $1.name },
            iam.roles.values.filter { $0.attachedPolicies.contains(arn) }.sorted { $0.name < $1.name }
        )
    }

    func getPolicy(_ call: OperationCall) throws -> AWSValue {
        let accountId = try Self.account(call)
        let iam = directory.iam(accountId)
        let policy = try policy(try Self.required(call, "PolicyArn"), in: iam, accountId: accountId)
        return ["Policy": Self.policyOutput(policy, attachments: iam.attachmentCount(of: policy.arn))]
    }

    func listPolicies(_ call: OperationCall) throws -> AWSValue {
        let accountId = try Self.account(call)
        let iam = directory.iam(accountId)
        let scope = Self.string(call, "Scope") ?? "All"
        let pathPrefix = Self.string(call, "PathPrefix") ?? "/"
        let onlyAttached = call.input["OnlyAttached"]?.boolean ?? false
        var policies: [ManagedPolicy] = []
        if scope != "Local" { policies += AWSManagedPolicies.all }
        if scope != "AWS" { policies += iam.policies.values }
        policies = policies.filter { $0.path.hasPrefix(pathPrefix) }
            .filter { !onlyAttached || iam.attachmentCount(of: $0.arn) > 0 }
            .sorted { $0.arn < $1.arn }
        let (page, marker) = try Self.page(policies, call: call) { $0.arn }
        return Self.listOutput("Policies", page.map { Self.policyOutput($0, attachments: iam.attachmentCount(of: $0.arn), tags: false) }, marker: marker)
    }

    func getPolicyVersion(_ call: OperationCall) throws -> AWSValue {
        let accountId = try Self.account(call)
        let policy = try policy(try Self.required(call, "PolicyArn"), in: directory.iam(accountId), accountId: accountId)
        let versionId = try Self.required(call, "VersionId")
        guard let version = policy.versions.first(where: { $0.id == versionId }) else {
            throw Self.noSuchEntity("Policy \(policy.arn) version \(versionId) does not exist.")
        }
        return ["PolicyVersion": Self.versionOutput(version, policy: policy, document: true)]
    }

    func listPolicyVersions(_ call: OperationCall) throws -> AWSValue {
        let accountId = try Self.account(call)
        let policy = try policy(try Self.required(call, "PolicyArn"), in: directory.iam(accountId), accountId: accountId)
        let versions = policy.versions.sorted { $0.created == $1.created ? $0.id > $1.id : $0.created > $1.created }
        // Newest first; paging keys must ascend in that order.
        let (page, marker) = try Self.page(versions, call: call) { String(format: "%08d", 99_999_999 - (Int($0.id.dropFirst()) ?? 0)) }
        return Self.listOutput("Versions", page.map { Self.versionOutput($0, policy: policy, document: true) }, marker: marker)
    }

    func listEntitiesForPolicy(_ call: OperationCall) throws -> AWSValue {
        let accountId = try Self.account(call)
        let iam = directory.iam(accountId)
        let policy = try policy(try Self.required(call, "PolicyArn"), in: iam, accountId: accountId)
        let filter = Self.string(call, "EntityFilter")
        let found = Self.attachments(of: policy.arn, in: iam)
        var output: [String: AWSValue] = ["IsTruncated": .boolean(false)]
        output["PolicyUsers"] = .list(filter == nil || filter == "User" ? found.users.map { ["UserName": .string($0.name), "UserId": .string($0.id)] } : [])
        output["PolicyGroups"] = .list(filter == nil || filter == "Group" ? found.groups.map { ["GroupName": .string($0.name), "GroupId": .string($0.id)] } : [])
        output["PolicyRoles"] = .list(filter == nil || filter == "Role" ? found.roles.map { ["RoleName": .string($0.name), "RoleId": .string($0.id)] } : [])
        return .object(output)
    }

    func listPolicyTags(_ call: OperationCall) throws -> AWSValue {
        let accountId = try Self.account(call)
        let policy = try policy(try Self.required(call, "PolicyArn"), in: directory.iam(accountId), accountId: accountId)
        return ["Tags": Self.tags(policy.tags), "IsTruncated": .boolean(false)]
    }
}
