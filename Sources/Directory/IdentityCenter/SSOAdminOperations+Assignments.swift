import AWSWire
import Foundation

extension SSOAdminOperations {
    var assignmentEntries: [OperationEntry] {
        [
            OperationEntry(name: "CreateAccountAssignment", readOnly: false, handler: Self.createAssignment),
            OperationEntry(name: "DeleteAccountAssignment", readOnly: false, handler: { try await deleteAssignment($0) }),
            OperationEntry(
                name: "DescribeAccountAssignmentCreationStatus", readOnly: true,
                handler: { try describeRequest($0, .createAssignment, idMember: "AccountAssignmentCreationRequestId", output: "AccountAssignmentCreationStatus") }),
            OperationEntry(
                name: "DescribeAccountAssignmentDeletionStatus", readOnly: true,
                handler: { try describeRequest($0, .deleteAssignment, idMember: "AccountAssignmentDeletionRequestId", output: "AccountAssignmentDeletionStatus") }),
            OperationEntry(
                name: "ListAccountAssignmentCreationStatus", readOnly: true,
                handler: { try listRequests($0, .createAssignment, output: "AccountAssignmentsCreationStatus") }),
            OperationEntry(
                name: "ListAccountAssignmentDeletionStatus", readOnly: true,
                handler: { try listRequests($0, .deleteAssignment, output: "AccountAssignmentsDeletionStatus") }),
            OperationEntry(name: "ListAccountAssignments", readOnly: true, handler: { try listAssignments($0) }),
            OperationEntry(name: "ListAccountAssignmentsForPrincipal", readOnly: true, handler: { try listAssignmentsForPrincipal($0) }),
            OperationEntry(name: "ProvisionPermissionSet", readOnly: false, handler: Self.provisionPermissionSet),
            OperationEntry(
                name: "DescribePermissionSetProvisioningStatus", readOnly: true,
                handler: { try describeRequest($0, .provision, idMember: "ProvisionPermissionSetRequestId", output: "PermissionSetProvisioningStatus") }),
            OperationEntry(
                name: "ListPermissionSetProvisioningStatus", readOnly: true,
                handler: { try listRequests($0, .provision, output: "PermissionSetsProvisioningStatus") }),
            OperationEntry(name: "ListPermissionSetsProvisionedToAccount", readOnly: true, handler: { try listProvisionedToAccount($0) }),
            OperationEntry(name: "ListAccountsForProvisionedPermissionSet", readOnly: true, handler: { try listAccountsProvisioned($0) }),
        ]
    }

    static func requestOutput(_ request: IdentityCenterRequest) -> AWSValue {
        var output: [String: AWSValue] = [
            "Status": .string(request.status), "RequestId": .string(request.id), "PermissionSetArn": .string(request.permissionSetArn),
            "CreatedDate": .timestamp(request.created),
        ]
        if request.kind == .provision {
            output["AccountId"] = .string(request.accountId)
        } else {
            output["TargetId"] = .string(request.accountId)
            output["TargetType"] = "AWS_ACCOUNT"
            if let type = request.principalType { output["PrincipalType"] = .string(type) }
            if let id = request.principalId { output["PrincipalId"] = .string(id) }
        }
        if let reason = request.failureReason { output["FailureReason"] = .string(reason) }
        return .object(output)
    }

    /// An assignment's target must be an account of the instance's organization.
    static func checkTarget(_ accountId: String, instance: IdentityCenterInstance, tx: DocumentTransaction) async throws {
        guard instance.organizationId != nil else {
            throw validation("An account instance of IAM Identity Center cannot grant access to AWS accounts.")
        }
        guard try await tx.get(OrganizationMember.self, OrganizationDocumentKind.member, accountId) != nil else {
            throw validation("The account \(accountId) is not in the organization of this Identity Center instance.")
        }
    }

    static func assignmentInput(_ call: OperationCall) -> (accountId: String, principalType: String, principalId: String) {
        (call.input["TargetId"]?.string ?? "", call.input["PrincipalType"]?.string ?? "", call.input["PrincipalId"]?.string ?? "")
    }

    /// CreateAccountAssignment: provisions the permission set's role in the account (unless it is there) and records the assignment.
    static func createAssignment(_ call: OperationCall) async throws -> AWSValue {
        let (tx, instance, permissionSet) = try await storedPermissionSet(call)
        let (accountId, principalType, givenId) = assignmentInput(call)
        try await checkTarget(accountId, instance: instance, tx: tx)
        // The principal's stored ID, whatever the case of the one given (the portal matches assignments by it).
        let storedId =
            principalType == "USER"
            ? try await tx.get(IdentityStoreUser.self, IdentityCenterDocumentKind.user, givenId)?.id
            : try await tx.get(IdentityStoreGroup.self, IdentityCenterDocumentKind.group, givenId)?.id
        guard let principalId = storedId else { throw notFound("The \(principalType.lowercased()) \(givenId) does not exist in the identity store.") }
        var request = IdentityCenterRequest(
            id: Identifiers.uuid(), kind: .createAssignment, status: "SUCCEEDED", created: call.time, accountId: accountId,
            permissionSetArn: permissionSet.arn, principalType: principalType, principalId: principalId)
        let provisioned = try await tx.get(
            ProvisionedPermissionSet.self, IdentityCenterDocumentKind.provisioned, ProvisionedPermissionSet.key(permissionSet.id, accountId))
        let failure = provisioned == nil ? try await provision(permissionSet, in: accountId, instance: instance, tx: tx, now: call.time) : nil
        if let failure {
            request.status = "FAILED"
            request.failureReason = failure
        } else {
            let assignment = AccountAssignment(
                permissionSetId: permissionSet.id, accountId: accountId, principalType: principalType, principalId: principalId, created: call.time)
            try await tx.put(assignment, IdentityCenterDocumentKind.assignment, assignment.key)
        }
        try await tx.put(request, IdentityCenterDocumentKind.request, request.id)
        return ["AccountAssignmentCreationStatus": requestOutput(request)]
    }

    /// DeleteAccountAssignment: removes the assignment, and the role when no assignment of the permission set is left in the account.
    func deleteAssignment(_ call: OperationCall) async throws -> AWSValue {
        let (tx, _, permissionSet) = try await Self.storedPermissionSet(call)
        let (accountId, principalType, principalId) = Self.assignmentInput(call)
        let key = AccountAssignment.key(permissionSet.id, accountId, principalType, principalId)
        guard try await tx.get(AccountAssignment.self, IdentityCenterDocumentKind.assignment, key) != nil else {
            throw Self.notFound("The account assignment does not exist.")
        }
        try await tx.delete(IdentityCenterDocumentKind.assignment, key)
        if try await !directory.identityCenterWriteView(tx).assigns(permissionSet: permissionSet.id, in: accountId),
            let provisioned = try await tx.get(
                ProvisionedPermissionSet.self, IdentityCenterDocumentKind.provisioned, ProvisionedPermissionSet.key(permissionSet.id, accountId))
        {
            try await Self.deprovision(provisioned, tx: tx)
        }
        let request = IdentityCenterRequest(
            id: Identifiers.uuid(), kind: .deleteAssignment, status: "SUCCEEDED", created: call.time, accountId: accountId,
            permissionSetArn: permissionSet.arn, principalType: principalType, principalId: principalId)
        try await tx.put(request, IdentityCenterDocumentKind.request, request.id)
        return ["AccountAssignmentDeletionStatus": Self.requestOutput(request)]
    }

    /// ProvisionPermissionSet: brings the role up to date in one account, or in every account it is provisioned to.
    static func provisionPermissionSet(_ call: OperationCall) async throws -> AWSValue {
        let (tx, instance, permissionSet) = try await storedPermissionSet(call)
        let accounts: [String]
        if call.input["TargetType"]?.string == "AWS_ACCOUNT" {
            guard let target = call.input["TargetId"]?.string else { throw validation("TargetId is required when TargetType is AWS_ACCOUNT.") }
            try await checkTarget(target, instance: instance, tx: tx)
            accounts = [target]
        } else {
            accounts = try await tx.all(ProvisionedPermissionSet.self, IdentityCenterDocumentKind.provisioned)
                .filter { $0.permissionSetId == permissionSet.id }.map(\.accountId).sorted()
        }
        var request = IdentityCenterRequest(
            id: Identifiers.uuid(), kind: .provision, status: "SUCCEEDED", created: call.time, accountId: accounts.first ?? "",
            permissionSetArn: permissionSet.arn)
        for accountId in accounts {
            if let failure = try await provision(permissionSet, in: accountId, instance: instance, tx: tx, now: call.time) {
                request.status = "FAILED"
                request.failureReason = failure
                break
            }
        }
        try await tx.put(request, IdentityCenterDocumentKind.request, request.id)
        return ["PermissionSetProvisioningStatus": requestOutput(request)]
    }

    func describeRequest(_ call: OperationCall, _ kind: IdentityCenterRequest.Kind, idMember: String, output: String) throws -> AWSValue {
        let (state, _) = try instanceState(call)
        let id = call.input[idMember]?.string ?? ""
        guard let request = state.requests[id.lowercased()], request.kind == kind else { throw Self.notFound("The request \(id) does not exist.") }
        return [output: Self.requestOutput(request)]
    }

    func listRequests(_ call: OperationCall, _ kind: IdentityCenterRequest.Kind, output: String) throws -> AWSValue {
        let (state, _) = try instanceState(call)
        let status = call.input["Filter"]?["Status"]?.string
        let requests = state.requests.values.filter { $0.kind == kind && (status == nil || $0.status == status) }.sorted { $0.id < $1.id }
        let (page, token) = try NextTokenPaging.page(requests, call: call, invalidToken: Self.invalidToken) { $0.id }
        return NextTokenPaging.output(
            output, page.map { ["Status": .string($0.status), "RequestId": .string($0.id), "CreatedDate": .timestamp($0.created)] }, nextToken: token)
    }

    static func assignmentOutput(_ assignment: AccountAssignment, state: IdentityCenterState) -> AWSValue {
        [
            "AccountId": .string(assignment.accountId),
            "PermissionSetArn": .string(state.permissionSets[assignment.permissionSetId]?.arn ?? ""),
            "PrincipalType": .string(assignment.principalType), "PrincipalId": .string(assignment.principalId),
        ]
    }

    func listAssignments(_ call: OperationCall) throws -> AWSValue {
        let (state, _) = try instanceState(call)
        let permissionSet = try permissionSet(call.input["PermissionSetArn"]?.string ?? "", state: state)
        let accountId = call.input["AccountId"]?.string ?? ""
        let assignments = state.assignments.values.filter { $0.permissionSetId == permissionSet.id && $0.accountId == accountId }
            .sorted { $0.key < $1.key }
        let (page, token) = try NextTokenPaging.page(assignments, call: call, invalidToken: Self.invalidToken) { $0.key }
        return NextTokenPaging.output("AccountAssignments", page.map { Self.assignmentOutput($0, state: state) }, nextToken: token)
    }

    func listAssignmentsForPrincipal(_ call: OperationCall) throws -> AWSValue {
        let (state, _) = try instanceState(call)
        let principalId = call.input["PrincipalId"]?.string ?? ""
        let principalType = call.input["PrincipalType"]?.string ?? ""
        let account = call.input["Filter"]?["AccountId"]?.string
        let assignments = (state.assignmentsByPrincipal[principalId.lowercased()]?.entries().compactMap { state.assignments[$0.key] } ?? [])
            .filter { $0.principalId.lowercased() == principalId.lowercased() && $0.principalType == principalType && (account == nil || $0.accountId == account) }
            .sorted { $0.key < $1.key }
        let (page, token) = try NextTokenPaging.page(assignments, call: call, invalidToken: Self.invalidToken) { $0.key }
        return NextTokenPaging.output("AccountAssignments", page.map { Self.assignmentOutput($0, state: state) }, nextToken: token)
    }

    /// Whether a provisioned role matches the `ProvisioningStatus` filter (latest revision or not).
    static func matches(_ provisioned: ProvisionedPermissionSet, filter: String?, state: IdentityCenterState) -> Bool {
        guard let filter else { return true }
        let latest = provisioned.revision == state.permissionSets[provisioned.permissionSetId]?.revision
        return filter == "LATEST_PERMISSION_SET_PROVISIONED" ? latest : !latest
    }

    func listProvisionedToAccount(_ call: OperationCall) throws -> AWSValue {
        let (state, _) = try instanceState(call)
        let accountId = call.input["AccountId"]?.string ?? ""
        let filter = call.input["ProvisioningStatus"]?.string
        let arns = state.provisioned.values.filter { $0.accountId == accountId && Self.matches($0, filter: filter, state: state) }
            .compactMap { state.permissionSets[$0.permissionSetId]?.arn }.sorted()
        let (page, token) = try NextTokenPaging.page(arns, call: call, invalidToken: Self.invalidToken) { $0 }
        return NextTokenPaging.output("PermissionSets", page.map { .string($0) }, nextToken: token)
    }

    func listAccountsProvisioned(_ call: OperationCall) throws -> AWSValue {
        let (state, _) = try instanceState(call)
        let permissionSet = try permissionSet(call.input["PermissionSetArn"]?.string ?? "", state: state)
        let filter = call.input["ProvisioningStatus"]?.string
        let accounts = state.provisioned.values.filter { $0.permissionSetId == permissionSet.id && Self.matches($0, filter: filter, state: state) }
            .map(\.accountId).sorted()
        let (page, token) = try NextTokenPaging.page(accounts, call: call, invalidToken: Self.invalidToken) { $0 }
        return NextTokenPaging.output("AccountIds", page.map { .string($0) }, nextToken: token)
    }
}
