import AWSWire
import Storage
import Foundation

/// The Identity Center admin API (`sso-admin`, json 1.1, signing name `sso`): the instance,
/// permission sets, account assignments and provisioning.
///
/// An instance and everything in it is kept under its owner account; only that account
/// administers it, and only from the instance's home region, as on AWS.
public struct SSOAdminOperations: Sendable {
    let directory: Directory

    public init(directory: Directory) {
        self.directory = directory
    }

    /// Every sso-admin operation Gatehouse serves.
    public var entries: [OperationEntry] {
        [
            OperationEntry(name: "CreateInstance", readOnly: false, handler: Self.createInstance),
            OperationEntry(name: "DescribeInstance", readOnly: true, handler: { try describeInstance($0) }),
            OperationEntry(name: "ListInstances", readOnly: true, handler: { try listInstances($0) }),
            OperationEntry(name: "UpdateInstance", readOnly: false, handler: Self.updateInstance),
            OperationEntry(name: "DeleteInstance", readOnly: false, handler: Self.deleteInstance),
            OperationEntry(name: "TagResource", readOnly: false, handler: Self.tagResource),
            OperationEntry(name: "UntagResource", readOnly: false, handler: Self.untagResource),
            OperationEntry(name: "ListTagsForResource", readOnly: true, handler: { try listTags($0) }),
        ] + permissionSetEntries + permissionSetPolicyEntries + assignmentEntries
    }

    static let model = ServiceModel.ssoAdmin

    static func notFound(_ message: String) -> AWSError { model.error("ResourceNotFoundException", message) }
    static func validation(_ message: String) -> AWSError { model.error("ValidationException", message) }
    static func conflict(_ message: String) -> AWSError { model.error("ConflictException", message) }
    static let invalidToken = validation("The NextToken is not valid.")

    static func instanceNotFound(_ arn: String) -> AWSError { notFound("Instance \(arn) does not exist.") }

    /// The caller's instance named by `InstanceArn`, from the store, for writes.
    static func storedInstance(_ call: OperationCall) async throws -> (tx: DocumentTransaction, instance: IdentityCenterInstance) {
        let caller = try call.requireCaller()
        // TagResource and friends may leave the instance out: the caller's own is meant.
        let arn = call.input["InstanceArn"]?.string
        let tx = DocumentTransaction(session: try call.requireSession(), accountId: caller.principal.accountId)
        guard let instance = try await tx.get(IdentityCenterInstance.self, IdentityCenterDocumentKind.instance, "instance"), arn == nil || instance.arn == arn,
            instance.homeRegion == caller.region
        else { throw instanceNotFound(arn ?? "") }
        return (tx, instance)
    }

    /// The caller's instance named by `InstanceArn`, from the snapshot, for reads.
    func instanceState(_ call: OperationCall) throws -> (state: IdentityCenterState, instance: IdentityCenterInstance) {
        let caller = try call.requireCaller()
        let arn = call.input["InstanceArn"]?.string
        guard let state = directory.snapshot.identityCenter[caller.principal.accountId], let instance = state.instance, arn == nil || instance.arn == arn,
            instance.homeRegion == caller.region
        else { throw Self.instanceNotFound(arn ?? "") }
        return (state, instance)
    }

    /// CreateInstance: an organization instance when the caller manages an organization, else an account instance.
    static func createInstance(_ call: OperationCall) async throws -> AWSValue {
        let caller = try call.requireCaller()
        let accountId = caller.principal.accountId
        let tx = DocumentTransaction(session: try call.requireSession(), accountId: accountId)
        if try await tx.get(IdentityCenterInstance.self, IdentityCenterDocumentKind.instance, "instance") != nil {
            throw conflict("An Identity Center instance already exists for this account.")
        }
        let organization = try await tx.get(Organization.self, OrganizationDocumentKind.organization, "organization")
        var instance = IdentityCenterInstance(
            id: "ssoins-" + Identifiers.hex(16), identityStoreId: "d-" + Identifiers.hex(10), ownerAccountId: accountId,
            name: call.input["Name"]?.string, created: call.time, homeRegion: caller.region, organizationId: organization?.id)
        instance.tags = tags(call.input["Tags"])
        if var managed = organization, managed.servicePrincipals["sso.amazonaws.com"] == nil {
            // Enabling the organization instance lets Identity Center into the organization, as the console does.
            managed.servicePrincipals["sso.amazonaws.com"] = call.time
            try await tx.put(managed, OrganizationDocumentKind.organization, "organization")
        }
        try await tx.put(instance, IdentityCenterDocumentKind.instance, "instance")
        return ["InstanceArn": .string(instance.arn)]
    }

    static func metadata(_ instance: IdentityCenterInstance) -> [String: AWSValue] {
        var output: [String: AWSValue] = [
            "InstanceArn": .string(instance.arn), "IdentityStoreId": .string(instance.identityStoreId),
            "OwnerAccountId": .string(instance.ownerAccountId), "CreatedDate": .timestamp(instance.created), "Status": "ACTIVE",
        ]
        if let name = instance.name { output["Name"] = .string(name) }
        return output
    }

    func describeInstance(_ call: OperationCall) throws -> AWSValue {
        let (_, instance) = try instanceState(call)
        var output = Self.metadata(instance)
        var encryption: [String: AWSValue] = ["KeyType": .string(instance.keyType), "EncryptionStatus": "ENABLED"]
        if let key = instance.kmsKeyArn { encryption["KmsKeyArn"] = .string(key) }
        output["EncryptionConfigurationDetails"] = .object(encryption)
        return .object(output)
    }

    func listInstances(_ call: OperationCall) throws -> AWSValue {
        let caller = try call.requireCaller()
        let instances = [directory.snapshot.identityCenter[caller.principal.accountId]?.instance].compactMap { $0 }
            .filter { $0.homeRegion == caller.region }
        return ["Instances": .list(instances.map { .object(Self.metadata($0)) })]
    }

    static func updateInstance(_ call: OperationCall) async throws -> AWSValue {
        var (tx, instance) = try await storedInstance(call)
        if let name = call.input["Name"]?.string { instance.name = name }
        if let encryption = call.input["EncryptionConfiguration"] {
            let keyType = encryption["KeyType"]?.string ?? ""
            let keyArn = encryption["KmsKeyArn"]?.string
            switch keyType {
            case "CUSTOMER_MANAGED_KEY":
                guard let keyArn, keyArn.hasPrefix("arn:aws:kms:"), keyArn.contains(":key/") else {
                    throw validation("A customer managed key needs the KmsKeyArn of a KMS key (arn:aws:kms:<region>:<account>:key/<id>).")
                }
                instance.kmsKeyArn = keyArn
            case "AWS_OWNED_KMS_KEY":
                guard keyArn == nil else { throw validation("KmsKeyArn is only for KeyType CUSTOMER_MANAGED_KEY.") }
                instance.kmsKeyArn = nil
            default:
                throw validation("KeyType must be AWS_OWNED_KMS_KEY or CUSTOMER_MANAGED_KEY.")
            }
            instance.keyType = keyType
        }
        try await tx.put(instance, IdentityCenterDocumentKind.instance, "instance")
        return .empty
    }

    /// DeleteInstance: the instance, its identity store and permission sets go, and the roles it provisioned.
    static func deleteInstance(_ call: OperationCall) async throws -> AWSValue {
        let (tx, _) = try await storedInstance(call)
        for provisioned in try await tx.all(ProvisionedPermissionSet.self, IdentityCenterDocumentKind.provisioned) {
            try await tx.account(provisioned.accountId).delete(IAMDocumentKind.role, provisioned.roleName)
        }
        try await tx.deleteAll(IdentityCenterDocumentKind.allCases)
        try await tx.deleteAll(IdentityStoreClaimKind.allCases)
        return .empty
    }

    static func tags(_ value: AWSValue?) -> [IAMTag] {
        (value?.list ?? []).compactMap { tag in
            guard let key = tag["Key"]?.string, let value = tag["Value"]?.string else { return nil }
            return IAMTag(key: key, value: value)
        }
    }

    static func tagsOutput(_ tags: [IAMTag]) -> AWSValue {
        .list(tags.map { ["Key": .string($0.key), "Value": .string($0.value)] })
    }

    /// Applies `change` to the tags of the instance or permission set `ResourceArn` names.
    static func changeTags(_ call: OperationCall, _ change: ([IAMTag]) throws -> [IAMTag]) async throws {
        let (tx, instance) = try await storedInstance(call)
        let arn = call.input["ResourceArn"]?.string ?? ""
        if arn == instance.arn {
            var updated = instance
            updated.tags = try change(instance.tags)
            try await tx.put(updated, IdentityCenterDocumentKind.instance, "instance")
            return
        }
        var permissionSet = try await storedPermissionSet(arn, tx: tx, instance: instance)
        permissionSet.tags = try change(permissionSet.tags)
        try await tx.put(permissionSet, IdentityCenterDocumentKind.permissionSet, permissionSet.id)
    }

    static func tagResource(_ call: OperationCall) async throws -> AWSValue {
        let added = tags(call.input["Tags"])
        try await changeTags(call) { existing in
            var merged = existing.filter { tag in !added.contains { $0.key == tag.key } } + added
            merged.sort { $0.key < $1.key }
            guard merged.count <= 50 else {
                throw model.error("ServiceQuotaExceededException", "A resource can have at most 50 tags.")
            }
            return merged
        }
        return .empty
    }

    static func untagResource(_ call: OperationCall) async throws -> AWSValue {
        let keys = Set((call.input["TagKeys"]?.list ?? []).compactMap(\.string))
        try await changeTags(call) { $0.filter { !keys.contains($0.key) } }
        return .empty
    }

    func listTags(_ call: OperationCall) throws -> AWSValue {
        let (state, instance) = try instanceState(call)
        let arn = call.input["ResourceArn"]?.string ?? ""
        if arn == instance.arn { return ["Tags": Self.tagsOutput(instance.tags)] }
        return ["Tags": Self.tagsOutput(try permissionSet(arn, state: state).tags)]
    }
}
