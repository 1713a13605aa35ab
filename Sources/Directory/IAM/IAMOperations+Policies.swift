import AWSWire
import AccessPolicy
import Foundation

extension IAMOperations {
    /// Policy documents arrive URL-encoded in the query protocol's form and are returned URL-encoded (RFC 3986).
    static func validatePolicy(_ document: String, kind: PolicyKind) throws {
        do {
            _ = try PolicyParser.parse(document, kind: kind)
        } catch {
            throw malformedPolicy(error.description)
        }
    }

    /// A policy document as IAM returns it: URL-encoded.
    static func encodedDocument(_ document: String) -> AWSValue {
        .string(document.addingPercentEncoding(withAllowedCharacters: .rfc3986Unreserved) ?? document)
    }

    /// The size IAM measures: characters other than white space.
    static func policySize(_ document: String) -> Int {
        document.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.count
    }

    static func checkSize(_ document: String, limit: Int, what: String) throws {
        if policySize(document) > limit {
            throw limitExceeded("Cannot exceed quota for \(what): \(limit)")
        }
    }

    var policyEntries: [Entry] {
        [
            Entry(name: "CreatePolicy", readOnly: false, handler: Self.createPolicy),
            Entry(name: "GetPolicy", readOnly: true, handler: { try getPolicy($0) }),
            Entry(name: "DeletePolicy", readOnly: false, handler: { try await deletePolicy($0) }),
            Entry(name: "ListPolicies", readOnly: true, handler: { try listPolicies($0) }),
            Entry(name: "CreatePolicyVersion", readOnly: false, handler: Self.createPolicyVersion),
            Entry(name: "GetPolicyVersion", readOnly: true, handler: { try getPolicyVersion($0) }),
            Entry(name: "DeletePolicyVersion", readOnly: false, handler: Self.deletePolicyVersion),
            Entry(name: "ListPolicyVersions", readOnly: true, handler: { try listPolicyVersions($0) }),
            Entry(name: "SetDefaultPolicyVersion", readOnly: false, handler: Self.setDefaultPolicyVersion),
            Entry(name: "ListEntitiesForPolicy", readOnly: true, handler: { try listEntitiesForPolicy($0) }),
            Entry(name: "TagPolicy", readOnly: false, handler: Self.tagPolicy),
            Entry(name: "UntagPolicy", readOnly: false, handler: Self.untagPolicy),
            Entry(name: "ListPolicyTags", readOnly: true, handler: { try listPolicyTags($0) }),
        ]
    }

    static func policyOutput(_ policy: ManagedPolicy, attachments: Int, tags: Bool = true) -> AWSValue {
        var value: [String: AWSValue] = [
            "PolicyName": .string(policy.name), "PolicyId": .string(policy.id), "Arn": .string(policy.arn), "Path": .string(policy.path),
            "DefaultVersionId": .string(policy.defaultVersionId), "AttachmentCount": .integer(Int64(attachments)),
            "PermissionsBoundaryUsageCount": .integer(0), "IsAttachable": .boolean(true), "CreateDate": .timestamp(policy.created),
            "UpdateDate": .timestamp(policy.updated),
        ]
        if let description = policy.description { value["Description"] = .string(description) }
        if tags, !policy.tags.isEmpty { value["Tags"] = Self.tags(policy.tags) }
        return .object(value)
    }

    /// The account's policy named by `arn`, read in the transaction; AWS managed policies are not the account's to change.
    static func ownPolicy(_ arn: String, _ tx: DocumentTransaction) async throws -> ManagedPolicy {
        if AWSManagedPolicies.byArn[arn] != nil {
            throw model.error("UnmodifiableEntityException", "Cannot modify an AWS managed policy: \(arn).")
        }
        guard arn.hasPrefix("arn:aws:iam::\(tx.accountId):policy/"), let name = arn.split(separator: "/").last,
            let policy = try await tx.get(ManagedPolicy.self, .policy, String(name)), policy.arn == arn
        else {
            throw noSuchEntity("Policy \(arn) does not exist or is not attachable.")
        }
        return policy
    }

    static func createPolicy(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let name = try required(call, "PolicyName")
        let path = string(call, "Path") ?? "/"
        let document = try required(call, "PolicyDocument")
        try checkSize(document, limit: 6144, what: "PolicySize")
        try validateIdentityPolicy(document)
        if try await tx.get(ManagedPolicy.self, .policy, name) != nil {
            throw alreadyExists("A policy called \(name) already exists. Duplicate names are not allowed.")
        }
        let policy = ManagedPolicy(
            name: name, id: Identifiers.prefixed("ANPA", length: 17), path: path, arn: arn(tx.accountId, "policy", path: path, name: name),
            created: call.time, updated: call.time, description: string(call, "Description"), tags: try inputTags(call),
            defaultVersionId: "v1", versions: [.init(id: "v1", document: document, created: call.time)], nextVersion: 2)
        try await tx.put(policy, .policy, name)
        return ["Policy": policyOutput(policy, attachments: 0)]
    }

    func deletePolicy(_ call: OperationCall) async throws -> AWSValue {
        let tx = try Self.transaction(call)
        let policy = try await Self.ownPolicy(try Self.required(call, "PolicyArn"), tx)
        if try await directory.iamWriteView(tx).attachmentCount(of: policy.arn) > 0 {
            throw Self.deleteConflict("Cannot delete a policy attached to entities.")
        }
        if policy.versions.count > 1 {
            throw Self.deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
        }
        try await tx.delete(.policy, policy.name)
        return .empty
    }

    static func createPolicyVersion(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var policy = try await ownPolicy(try required(call, "PolicyArn"), tx)
        let document = try required(call, "PolicyDocument")
        try checkSize(document, limit: 6144, what: "PolicySize")
        try validateIdentityPolicy(document)
        guard policy.versions.count < 5 else {
            throw limitExceeded("A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
        }
        let version = ManagedPolicy.Version(id: "v\(policy.nextVersion)", document: document, created: call.time)
        policy.versions.append(version)
        policy.nextVersion += 1
        policy.updated = call.time
        if call.input["SetAsDefault"]?.boolean == true { policy.defaultVersionId = version.id }
        try await tx.put(policy, .policy, policy.name)
        return ["PolicyVersion": versionOutput(version, policy: policy, document: false)]
    }

    static func versionOutput(_ version: ManagedPolicy.Version, policy: ManagedPolicy, document: Bool) -> AWSValue {
        var value: [String: AWSValue] = [
            "VersionId": .string(version.id), "IsDefaultVersion": .boolean(version.id == policy.defaultVersionId),
            "CreateDate": .timestamp(version.created),
        ]
        if document { value["Document"] = encodedDocument(version.document) }
        return .object(value)
    }

    static func deletePolicyVersion(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var policy = try await ownPolicy(try required(call, "PolicyArn"), tx)
        let versionId = try required(call, "VersionId")
        guard policy.versions.contains(where: { $0.id == versionId }) else {
            throw noSuchEntity("Policy \(policy.arn) version \(versionId) does not exist.")
        }
        if versionId == policy.defaultVersionId {
            throw deleteConflict("Cannot delete the default version of a policy.")
        }
        policy.versions.removeAll { $0.id == versionId }
        try await tx.put(policy, .policy, policy.name)
        return .empty
    }

    static func setDefaultPolicyVersion(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var policy = try await ownPolicy(try required(call, "PolicyArn"), tx)
        let versionId = try required(call, "VersionId")
        guard policy.versions.contains(where: { $0.id == versionId }) else {
            throw noSuchEntity("Policy \(policy.arn) version \(versionId) does not exist.")
        }
        policy.defaultVersionId = versionId
        policy.updated = call.time
        try await tx.put(policy, .policy, policy.name)
        return .empty
    }

    static func tagPolicy(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var policy = try await ownPolicy(try required(call, "PolicyArn"), tx)
        policy.tags = try inputTags(call, merging: policy.tags)
        try await tx.put(policy, .policy, policy.name)
        return .empty
    }

    static func untagPolicy(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var policy = try await ownPolicy(try required(call, "PolicyArn"), tx)
        let keys = Set((call.input["TagKeys"]?.list ?? []).compactMap { $0.string?.lowercased() })
        policy.tags.removeAll { keys.contains($0.key.lowercased()) }
        try await tx.put(policy, .policy, policy.name)
        return .empty
    }
}

extension CharacterSet {
    /// RFC 3986 unreserved characters: what stays unencoded in a URL-encoded policy document.
    static let rfc3986Unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
