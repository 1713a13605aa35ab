import AWSWire
import AccessPolicy
import Foundation

extension SSOAdminOperations {
    var permissionSetPolicyEntries: [OperationEntry] {
        [
            OperationEntry(name: "AttachManagedPolicyToPermissionSet", readOnly: false, handler: Self.attachManagedPolicy),
            OperationEntry(name: "DetachManagedPolicyFromPermissionSet", readOnly: false, handler: Self.detachManagedPolicy),
            OperationEntry(name: "ListManagedPoliciesInPermissionSet", readOnly: true, handler: { try listManagedPolicies($0) }),
            OperationEntry(name: "AttachCustomerManagedPolicyReferenceToPermissionSet", readOnly: false, handler: Self.attachCustomerPolicy),
            OperationEntry(name: "DetachCustomerManagedPolicyReferenceFromPermissionSet", readOnly: false, handler: Self.detachCustomerPolicy),
            OperationEntry(name: "ListCustomerManagedPolicyReferencesInPermissionSet", readOnly: true, handler: { try listCustomerPolicies($0) }),
            OperationEntry(name: "PutInlinePolicyToPermissionSet", readOnly: false, handler: Self.putInlinePolicy),
            OperationEntry(name: "GetInlinePolicyForPermissionSet", readOnly: true, handler: { try getInlinePolicy($0) }),
            OperationEntry(name: "DeleteInlinePolicyFromPermissionSet", readOnly: false, handler: Self.deleteInlinePolicy),
            OperationEntry(name: "PutPermissionsBoundaryToPermissionSet", readOnly: false, handler: Self.putBoundary),
            OperationEntry(name: "GetPermissionsBoundaryForPermissionSet", readOnly: true, handler: { try getBoundary($0) }),
            OperationEntry(name: "DeletePermissionsBoundaryFromPermissionSet", readOnly: false, handler: Self.deleteBoundary),
        ]
    }

    /// At most 20 managed policies (AWS and customer together) per permission set, as AWS's default quota.
    static let maxManagedPolicies = 20

    static func quotaCheck(_ permissionSet: PermissionSet) throws {
        if permissionSet.managedPolicies.count + permissionSet.customerPolicies.count >= maxManagedPolicies {
            throw model.error("ServiceQuotaExceededException", "A permission set can have at most \(maxManagedPolicies) managed policies attached.")
        }
    }

    static func attachManagedPolicy(_ call: OperationCall) async throws -> AWSValue {
        var (tx, _, permissionSet) = try await storedPermissionSet(call)
        let arn = call.input["ManagedPolicyArn"]?.string ?? ""
        guard AWSManagedPolicies.byArn[arn] != nil else { throw notFound("Policy \(arn) does not exist.") }
        if permissionSet.managedPolicies.contains(arn) { throw conflict("Policy \(arn) is already attached to the permission set.") }
        try quotaCheck(permissionSet)
        permissionSet.managedPolicies.append(arn)
        try await save(permissionSet, tx: tx)
        return .empty
    }

    static func detachManagedPolicy(_ call: OperationCall) async throws -> AWSValue {
        var (tx, _, permissionSet) = try await storedPermissionSet(call)
        let arn = call.input["ManagedPolicyArn"]?.string ?? ""
        guard permissionSet.managedPolicies.contains(arn) else { throw notFound("Policy \(arn) is not attached to the permission set.") }
        permissionSet.managedPolicies.removeAll { $0 == arn }
        try await save(permissionSet, tx: tx)
        return .empty
    }

    func listManagedPolicies(_ call: OperationCall) throws -> AWSValue {
        let (state, _) = try instanceState(call)
        let permissionSet = try permissionSet(call.input["PermissionSetArn"]?.string ?? "", state: state)
        let (page, token) = try NextTokenPaging.page(permissionSet.managedPolicies.sorted(), call: call, invalidToken: Self.invalidToken) { $0 }
        return NextTokenPaging.output(
            "AttachedManagedPolicies", page.map { ["Name": .string(String($0.split(separator: "/").last ?? "")), "Arn": .string($0)] },
            nextToken: token)
    }

    static func reference(_ value: AWSValue?) -> PermissionSet.PolicyReference {
        PermissionSet.PolicyReference(name: value?["Name"]?.string ?? "", path: value?["Path"]?.string ?? "/")
    }

    static func referenceOutput(_ reference: PermissionSet.PolicyReference) -> AWSValue {
        ["Name": .string(reference.name), "Path": .string(reference.path)]
    }

    static func attachCustomerPolicy(_ call: OperationCall) async throws -> AWSValue {
        var (tx, _, permissionSet) = try await storedPermissionSet(call)
        let reference = reference(call.input["CustomerManagedPolicyReference"])
        if permissionSet.customerPolicies.contains(reference) {
            throw conflict("The customer managed policy \(reference.path)\(reference.name) is already attached to the permission set.")
        }
        try quotaCheck(permissionSet)
        permissionSet.customerPolicies.append(reference)
        try await save(permissionSet, tx: tx)
        return .empty
    }

    static func detachCustomerPolicy(_ call: OperationCall) async throws -> AWSValue {
        var (tx, _, permissionSet) = try await storedPermissionSet(call)
        let reference = reference(call.input["CustomerManagedPolicyReference"])
        guard permissionSet.customerPolicies.contains(reference) else {
            throw notFound("The customer managed policy \(reference.path)\(reference.name) is not attached to the permission set.")
        }
        permissionSet.customerPolicies.removeAll { $0 == reference }
        try await save(permissionSet, tx: tx)
        return .empty
    }

    func listCustomerPolicies(_ call: OperationCall) throws -> AWSValue {
        let (state, _) = try instanceState(call)
        let references = try permissionSet(call.input["PermissionSetArn"]?.string ?? "", state: state).customerPolicies
            .sorted { $0.path + $0.name < $1.path + $1.name }
        let (page, token) = try NextTokenPaging.page(references, call: call, invalidToken: Self.invalidToken) { $0.path + $0.name }
        return NextTokenPaging.output("CustomerManagedPolicyReferences", page.map(Self.referenceOutput), nextToken: token)
    }

    static func putInlinePolicy(_ call: OperationCall) async throws -> AWSValue {
        var (tx, _, permissionSet) = try await storedPermissionSet(call)
        let document = call.input["InlinePolicy"]?.string ?? ""
        do {
            _ = try PolicyParser.parse(document, kind: .identity)
        } catch {
            throw validation("The inline policy is not valid: \(error.description)")
        }
        permissionSet.inlinePolicy = document
        try await save(permissionSet, tx: tx)
        return .empty
    }

    func getInlinePolicy(_ call: OperationCall) throws -> AWSValue {
        let (state, _) = try instanceState(call)
        let permissionSet = try permissionSet(call.input["PermissionSetArn"]?.string ?? "", state: state)
        return ["InlinePolicy": .string(permissionSet.inlinePolicy ?? "")]
    }

    static func deleteInlinePolicy(_ call: OperationCall) async throws -> AWSValue {
        var (tx, _, permissionSet) = try await storedPermissionSet(call)
        permissionSet.inlinePolicy = nil
        try await save(permissionSet, tx: tx)
        return .empty
    }

    static func putBoundary(_ call: OperationCall) async throws -> AWSValue {
        var (tx, _, permissionSet) = try await storedPermissionSet(call)
        let boundary = call.input["PermissionsBoundary"]
        let managed = boundary?["ManagedPolicyArn"]?.string
        let customer = boundary?["CustomerManagedPolicyReference"]
        guard (managed == nil) != (customer == nil) else {
            throw validation("A permissions boundary is either a ManagedPolicyArn or a CustomerManagedPolicyReference.")
        }
        if let managed, AWSManagedPolicies.byArn[managed] == nil { throw notFound("Policy \(managed) does not exist.") }
        permissionSet.boundaryManagedPolicy = managed
        permissionSet.boundaryCustomerPolicy = customer.map { reference($0) }
        try await save(permissionSet, tx: tx)
        return .empty
    }

    func getBoundary(_ call: OperationCall) throws -> AWSValue {
        let (state, _) = try instanceState(call)
        let permissionSet = try permissionSet(call.input["PermissionSetArn"]?.string ?? "", state: state)
        if let arn = permissionSet.boundaryManagedPolicy { return ["PermissionsBoundary": ["ManagedPolicyArn": .string(arn)]] }
        if let reference = permissionSet.boundaryCustomerPolicy {
            return ["PermissionsBoundary": ["CustomerManagedPolicyReference": Self.referenceOutput(reference)]]
        }
        throw Self.notFound("The permission set \(permissionSet.name) has no permissions boundary.")
    }

    static func deleteBoundary(_ call: OperationCall) async throws -> AWSValue {
        var (tx, _, permissionSet) = try await storedPermissionSet(call)
        permissionSet.boundaryManagedPolicy = nil
        permissionSet.boundaryCustomerPolicy = nil
        try await save(permissionSet, tx: tx)
        return .empty
    }
}
