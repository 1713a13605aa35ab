import AWSWire
import AccessPolicy
import Foundation

/// Organizations policies: service and resource control policies (enforced on every request of member accounts, and
/// on their resources), and the management policy types, created, attached and listed as AWS's API does.
extension OrganizationsOperations {
    var policyEntries: [OperationEntry] {
        [
            OperationEntry(name: "CreatePolicy", readOnly: false, handler: Self.createPolicy),
            OperationEntry(name: "DescribePolicy", readOnly: true, handler: { try describePolicy($0) }),
            OperationEntry(name: "UpdatePolicy", readOnly: false, handler: Self.updatePolicy),
            OperationEntry(name: "DeletePolicy", readOnly: false, handler: Self.deletePolicy),
            OperationEntry(name: "ListPolicies", readOnly: true, handler: { try listPolicies($0) }),
            OperationEntry(name: "ListPoliciesForTarget", readOnly: true, handler: { try listPoliciesForTarget($0) }),
            OperationEntry(name: "ListTargetsForPolicy", readOnly: true, handler: { try listTargetsForPolicy($0) }),
            OperationEntry(name: "AttachPolicy", readOnly: false, handler: Self.attachPolicy),
            OperationEntry(name: "DetachPolicy", readOnly: false, handler: Self.detachPolicy),
            OperationEntry(name: "EnablePolicyType", readOnly: false, handler: Self.enablePolicyType),
            OperationEntry(name: "DisablePolicyType", readOnly: false, handler: Self.disablePolicyType),
            OperationEntry(name: "DescribeEffectivePolicy", readOnly: true, handler: { try describeEffectivePolicy($0) }),
        ]
    }

    /// An account's effective management policy of a type (``EffectivePolicy``). The management account may ask about
    /// any account of the organization, a member account about itself; roots and OUs have none (AWS: "Specifying an
    /// organization root or organizational unit (OU) as the target is not supported"). The model's enum leaves SCPs
    /// and RCPs out, so the validator refuses them.
    func describeEffectivePolicy(_ call: OperationCall) throws -> AWSValue {
        let accountId = try call.requireCaller().principal.accountId
        guard let state = directory.organization(of: accountId), let organization = state.organization else { throw Self.notInUse() }
        let type = call.input["PolicyType"]?.string ?? ""
        let target = call.input["TargetId"]?.string ?? accountId
        if target.hasPrefix("r-") || target.hasPrefix("ou-") {
            var error = Self.invalidInput("You can't perform the specified operation on that target entity.")
            error.fields["Reason"] = "TARGET_NOT_SUPPORTED"
            throw error
        }
        guard state.members[target] != nil else { throw Self.targetNotFound() }
        guard organization.managementAccountId == accountId || target == accountId else { throw Self.accessDenied() }
        let levels = state.policyLevels(type, for: target) ?? []
        let contributing = levels.flatMap { $0 }
        guard !contributing.isEmpty,
            let merged = EffectivePolicy.merge(levels.map { level in level.compactMap { try? JSONReader.read(Array($0.content.utf8)) } })
        else {
            throw Self.model.error(
                "EffectivePolicyNotFoundException",
                "If you ran this action on the management account, this policy type is not enabled. If you ran the action on a member "
                    + "account, the account doesn't have an effective policy of this type.")
        }
        let updated = contributing.compactMap(\.updated).max() ?? state.policyTypes.types[type] ?? call.time
        return [
            "EffectivePolicy": [
                "PolicyContent": .string(EffectivePolicy.text(merged)), "LastUpdatedTimestamp": .timestamp(updated),
                "TargetId": .string(target), "PolicyType": .string(type),
            ]
        ]
    }

    static func policyNotFound() -> AWSError { model.error("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.") }
    static func targetNotFound() -> AWSError { model.error("TargetNotFoundException", "We can't find a root, OU, or account with the TargetId that you specified.") }
    static func constraint(_ reason: String, _ message: String) -> AWSError {
        var error = model.error("ConstraintViolationException", message)
        error.fields["Reason"] = reason
        return error
    }

    static func summary(_ policy: OrganizationPolicy, organization: Organization) -> AWSValue {
        [
            "Id": .string(policy.id), "Arn": .string(policy.arn(in: organization)), "Name": .string(policy.name),
            "Description": .string(policy.description), "Type": .string(policy.type), "AwsManaged": .boolean(policy.awsManaged),
        ]
    }

    static func policyOutput(_ policy: OrganizationPolicy, organization: Organization) -> AWSValue {
        ["Policy": ["PolicySummary": summary(policy, organization: organization), "Content": .string(policy.content)]]
    }

    /// Checks a policy's content for its type: SCPs are identity-policy documents without principals, RCPs
    /// resource-policy documents (their `Principal` is `*`); the management types are JSON objects.
    static func validate(content: String, type: String) throws {
        guard content.count <= OrganizationPolicyType.maxContent(type) else {
            throw constraint("POLICY_CONTENT_LIMIT_EXCEEDED", "You attempted to create or update a policy larger than the maximum size.")
        }
        let malformed = model.error("MalformedPolicyDocumentException", "The provided policy document does not meet the requirements of the specified policy type.")
        switch type {
        case OrganizationPolicyType.serviceControl:
            guard let document = try? PolicyParser.parse(content, kind: .identity), document.statements.allSatisfy({ $0.principals == nil })
            else { throw malformed }
        case OrganizationPolicyType.resourceControl:
            guard let document = try? PolicyParser.parse(content, kind: .resource),
                document.statements.allSatisfy({ $0.principals?.everyone == true || $0.principals?.principals["AWS"] == ["*"] })
            else { throw malformed }
        default:
            guard case .object? = try? JSONReader.read(Array(content.utf8)) else { throw malformed }
        }
    }

    static func storedPolicy(_ id: String, tx: DocumentTransaction) async throws -> OrganizationPolicy {
        guard let policy = try await tx.get(OrganizationPolicy.self, OrganizationDocumentKind.policy, id) else { throw policyNotFound() }
        return policy
    }

    static func createPolicy(_ call: OperationCall) async throws -> AWSValue {
        let (tx, organization) = try await requireManaged(call)
        let type = call.input["Type"]?.string ?? ""
        guard OrganizationPolicyType.all.contains(type) else {
            throw model.error("PolicyTypeNotAvailableForOrganizationException", "You can't use the specified policy type with the feature set currently enabled for this organization.")
        }
        let name = call.input["Name"]?.string ?? ""
        let content = call.input["Content"]?.string ?? ""
        try validate(content: content, type: type)
        let existing = try await tx.all(OrganizationPolicy.self, OrganizationDocumentKind.policy)
        if existing.contains(where: { $0.type == type && $0.name == name }) {
            throw model.error("DuplicatePolicyException", "A policy with the same name already exists.")
        }
        guard existing.filter({ $0.type == type && !$0.awsManaged }).count < 1_000 else {
            throw constraint("POLICY_NUMBER_LIMIT_EXCEEDED", "You have reached the maximum number of policies of this type in the organization.")
        }
        let policy = OrganizationPolicy(
            id: "p-" + Identifiers.lowercase(8), name: name, description: call.input["Description"]?.string ?? "", type: type, content: content,
            awsManaged: false, targets: [], updated: call.time)
        try await tx.put(policy, OrganizationDocumentKind.policy, policy.id)
        return policyOutput(policy, organization: organization)
    }

    func describePolicy(_ call: OperationCall) throws -> AWSValue {
        let (state, organization) = try managedOrganization(call)
        guard let policy = state.policies[(call.input["PolicyId"]?.string ?? "").lowercased()] else { throw Self.policyNotFound() }
        return Self.policyOutput(policy, organization: organization)
    }

    static func updatePolicy(_ call: OperationCall) async throws -> AWSValue {
        let (tx, organization) = try await requireManaged(call)
        var policy = try await storedPolicy(call.input["PolicyId"]?.string ?? "", tx: tx)
        guard !policy.awsManaged else { throw accessDenied() }
        if let name = call.input["Name"]?.string, name != policy.name {
            let taken = try await tx.all(OrganizationPolicy.self, OrganizationDocumentKind.policy).contains { $0.type == policy.type && $0.name == name }
            if taken { throw model.error("DuplicatePolicyException", "A policy with the same name already exists.") }
            policy.name = name
        }
        if let description = call.input["Description"]?.string { policy.description = description }
        if let content = call.input["Content"]?.string {
            try validate(content: content, type: policy.type)
            policy.content = content
            policy.updated = call.time
        }
        try await tx.put(policy, OrganizationDocumentKind.policy, policy.id)
        return policyOutput(policy, organization: organization)
    }

    static func deletePolicy(_ call: OperationCall) async throws -> AWSValue {
        let (tx, _) = try await requireManaged(call)
        let policy = try await storedPolicy(call.input["PolicyId"]?.string ?? "", tx: tx)
        guard !policy.awsManaged else { throw accessDenied() }
        guard policy.targets.isEmpty else {
            throw model.error(
                "PolicyInUseException",
                "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.")
        }
        try await tx.delete(OrganizationDocumentKind.policy, policy.id)
        return .empty
    }

    func listPolicies(_ call: OperationCall) throws -> AWSValue {
        let (state, organization) = try managedOrganization(call)
        let type = call.input["Filter"]?.string ?? ""
        let policies = state.policies.values.filter { $0.type == type }.sorted { $0.id < $1.id }
        let (page, token) = try NextTokenPaging.page(policies, call: call, maxResults: 20, invalidToken: Self.invalidToken) { $0.id }
        return NextTokenPaging.output("Policies", page.map { Self.summary($0, organization: organization) }, nextToken: token)
    }

    /// The root, an OU or a member account; `nil` when the organization has none with that ID.
    static func targetType(_ id: String, state: OrganizationState, organization: Organization) -> String? {
        if id == organization.rootId { return "ROOT" }
        if state.units[id] != nil { return "ORGANIZATIONAL_UNIT" }
        if state.members[id] != nil { return "ACCOUNT" }
        return nil
    }

    func listPoliciesForTarget(_ call: OperationCall) throws -> AWSValue {
        let (state, organization) = try managedOrganization(call)
        let target = call.input["TargetId"]?.string ?? ""
        guard Self.targetType(target, state: state, organization: organization) != nil else { throw Self.targetNotFound() }
        let type = call.input["Filter"]?.string ?? ""
        let policies = state.policies.values.filter { $0.type == type && $0.targets.contains(target) }.sorted { $0.id < $1.id }
        let (page, token) = try NextTokenPaging.page(policies, call: call, maxResults: 20, invalidToken: Self.invalidToken) { $0.id }
        return NextTokenPaging.output("Policies", page.map { Self.summary($0, organization: organization) }, nextToken: token)
    }

    func listTargetsForPolicy(_ call: OperationCall) throws -> AWSValue {
        let (state, organization) = try managedOrganization(call)
        guard let policy = state.policies[(call.input["PolicyId"]?.string ?? "").lowercased()] else { throw Self.policyNotFound() }
        let targets = policy.targets.sorted().compactMap { id -> AWSValue? in
            guard let type = Self.targetType(id, state: state, organization: organization) else { return nil }
            let (arn, name): (String, String) =
                switch type {
                case "ROOT": (organization.rootArn, "Root")
                case "ORGANIZATIONAL_UNIT": (organization.unitArn(id), state.units[id]?.name ?? "")
                default: (organization.accountArn(id), directory.account(id: id)?.name ?? "")
                }
            return ["TargetId": .string(id), "Arn": .string(arn), "Name": .string(name), "Type": .string(type)]
        }
        let (page, token) = try NextTokenPaging.page(targets, call: call, maxResults: 20, invalidToken: Self.invalidToken) { $0["TargetId"]?.string ?? "" }
        return NextTokenPaging.output("Targets", page, nextToken: token)
    }

    /// Whether `target` is the organization's root, one of its OUs or one of its accounts, read in the transaction.
    static func targetExists(_ target: String, tx: DocumentTransaction, organization: Organization) async throws -> Bool {
        if target == organization.rootId { return true }
        if try await tx.get(OrganizationalUnit.self, OrganizationDocumentKind.unit, target) != nil { return true }
        return try await tx.get(OrganizationMember.self, OrganizationDocumentKind.member, target) != nil
    }

    static func enabledTypes(_ tx: DocumentTransaction) async throws -> EnabledPolicyTypes {
        try await tx.get(EnabledPolicyTypes.self, OrganizationDocumentKind.policyTypes, "root") ?? EnabledPolicyTypes()
    }

    static func attachPolicy(_ call: OperationCall) async throws -> AWSValue {
        let (tx, organization) = try await requireManaged(call)
        var policy = try await storedPolicy(call.input["PolicyId"]?.string ?? "", tx: tx)
        let target = call.input["TargetId"]?.string ?? ""
        guard try await targetExists(target, tx: tx, organization: organization) else { throw targetNotFound() }
        guard try await enabledTypes(tx).types[policy.type] != nil else {
            throw model.error("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
        }
        guard !policy.targets.contains(target) else {
            throw model.error("DuplicatePolicyAttachmentException", "A policy with the same name is already attached to the target.")
        }
        let attached = try await tx.all(OrganizationPolicy.self, OrganizationDocumentKind.policy).filter { $0.type == policy.type && $0.targets.contains(target) }
        guard attached.count < OrganizationPolicyType.maxAttachments(policy.type) else {
            throw constraint(
                "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                "You attempted to exceed the number of policies of a certain type that can be attached to an entity at one time.")
        }
        policy.targets.append(target)
        try await tx.put(policy, OrganizationDocumentKind.policy, policy.id)
        return .empty
    }

    static func detachPolicy(_ call: OperationCall) async throws -> AWSValue {
        let (tx, organization) = try await requireManaged(call)
        var policy = try await storedPolicy(call.input["PolicyId"]?.string ?? "", tx: tx)
        let target = call.input["TargetId"]?.string ?? ""
        guard try await targetExists(target, tx: tx, organization: organization) else { throw targetNotFound() }
        guard policy.targets.contains(target) else {
            throw model.error("PolicyNotAttachedException", "Unable to find the policy attachment in your organization.")
        }
        if OrganizationPolicyType.requiresOne(policy.type) {
            let attached = try await tx.all(OrganizationPolicy.self, OrganizationDocumentKind.policy).filter { $0.type == policy.type && $0.targets.contains(target) }
            guard attached.count > 1 else {
                throw constraint(
                    "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                    "You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of a certain type required.")
            }
        }
        policy.targets.removeAll { $0 == target }
        try await tx.put(policy, OrganizationDocumentKind.policy, policy.id)
        return .empty
    }

    static func rootOutput(_ organization: Organization, types: EnabledPolicyTypes) -> AWSValue {
        [
            "Id": .string(organization.rootId), "Arn": .string(organization.rootArn), "Name": "Root",
            "PolicyTypes": .list(types.types.keys.sorted().map { ["Type": .string($0), "Status": "ENABLED"] }),
        ]
    }

    static func enablePolicyType(_ call: OperationCall) async throws -> AWSValue {
        let (tx, organization) = try await requireManaged(call)
        guard call.input["RootId"]?.string == organization.rootId else {
            throw model.error("RootNotFoundException", "We can't find a root with the RootId that you specified.")
        }
        let type = call.input["PolicyType"]?.string ?? ""
        guard OrganizationPolicyType.all.contains(type) else {
            throw model.error("PolicyTypeNotAvailableForOrganizationException", "You can't use the specified policy type with the feature set currently enabled for this organization.")
        }
        var types = try await enabledTypes(tx)
        guard types.types[type] == nil else { throw model.error("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.") }
        types.types[type] = call.time
        try await tx.put(types, OrganizationDocumentKind.policyTypes, "root")
        // AWS's own control policy goes onto the root, every OU and every account, so that enabling the type changes nothing.
        if var full = OrganizationPolicyType.fullAccess(type) {
            let units = try await tx.all(OrganizationalUnit.self, OrganizationDocumentKind.unit).map(\.id)
            let accounts = try await tx.all(OrganizationMember.self, OrganizationDocumentKind.member).map(\.accountId)
            full.targets = [organization.rootId] + units.sorted() + accounts.sorted()
            try await tx.put(full, OrganizationDocumentKind.policy, full.id)
        }
        return ["Root": rootOutput(organization, types: types)]
    }

    static func disablePolicyType(_ call: OperationCall) async throws -> AWSValue {
        let (tx, organization) = try await requireManaged(call)
        guard call.input["RootId"]?.string == organization.rootId else {
            throw model.error("RootNotFoundException", "We can't find a root with the RootId that you specified.")
        }
        let type = call.input["PolicyType"]?.string ?? ""
        var types = try await enabledTypes(tx)
        guard types.types[type] != nil else {
            throw model.error("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
        }
        types.types[type] = nil
        try await tx.put(types, OrganizationDocumentKind.policyTypes, "root")
        // Every policy of the type comes off every target; AWS's own is gone with the type.
        for var policy in try await tx.all(OrganizationPolicy.self, OrganizationDocumentKind.policy) where policy.type == type {
            if policy.awsManaged {
                try await tx.delete(OrganizationDocumentKind.policy, policy.id)
            } else if !policy.targets.isEmpty {
                policy.targets = []
                try await tx.put(policy, OrganizationDocumentKind.policy, policy.id)
            }
        }
        return ["Root": rootOutput(organization, types: types)]
    }

    /// Puts AWS's own control policies onto a new OU or account, as AWS attaches them to every new entity.
    static func attachFullAccess(to target: String, tx: DocumentTransaction) async throws {
        for type in try await enabledTypes(tx).types.keys {
            guard let id = OrganizationPolicyType.fullAccess(type)?.id,
                var policy = try await tx.get(OrganizationPolicy.self, OrganizationDocumentKind.policy, id), !policy.targets.contains(target)
            else { continue }
            policy.targets.append(target)
            try await tx.put(policy, OrganizationDocumentKind.policy, id)
        }
    }

    /// Takes a deleted OU off every policy it had.
    static func detachAll(from target: String, tx: DocumentTransaction) async throws {
        for var policy in try await tx.all(OrganizationPolicy.self, OrganizationDocumentKind.policy) where policy.targets.contains(target) {
            policy.targets.removeAll { $0 == target }
            try await tx.put(policy, OrganizationDocumentKind.policy, policy.id)
        }
    }
}
