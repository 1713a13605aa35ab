import AWSWire
import Foundation
import Storage

extension OrganizationsOperations {
    var accountEntries: [OperationEntry] {
        [
            OperationEntry(name: "CreateAccount", readOnly: false, handler: { try await createAccount($0) }),
            OperationEntry(name: "DescribeCreateAccountStatus", readOnly: true, handler: { try describeCreateAccountStatus($0) }),
            OperationEntry(name: "ListCreateAccountStatus", readOnly: true, handler: { try listCreateAccountStatus($0) }),
            OperationEntry(name: "ListAccounts", readOnly: true, handler: { try listAccounts($0) }),
            OperationEntry(name: "ListAccountsForParent", readOnly: true, handler: { try listAccountsForParent($0) }),
            OperationEntry(name: "DescribeAccount", readOnly: true, handler: { try describeAccount($0) }),
            OperationEntry(name: "MoveAccount", readOnly: false, handler: Self.moveAccount),
        ]
    }

    static func accountNotFound() -> AWSError { model.error("AccountNotFoundException", "You specified an account that doesn't exist.") }

    func accountOutput(_ member: OrganizationMember, organization: Organization) -> AWSValue {
        let account = directory.account(id: member.accountId)
        return [
            "Id": .string(member.accountId), "Arn": .string(organization.accountArn(member.accountId)),
            "Email": .string(account?.email ?? ""), "Name": .string(account?.name ?? ""), "Status": "ACTIVE", "State": "ACTIVE",
            "JoinedMethod": .string(member.joinedMethod), "JoinedTimestamp": .timestamp(member.joined),
        ]
    }

    static func statusOutput(_ request: CreateAccountRequest) -> AWSValue {
        var output: [String: AWSValue] = [
            "Id": .string(request.id), "AccountName": .string(request.accountName), "State": .string(request.state),
            "RequestedTimestamp": .timestamp(request.requested), "CompletedTimestamp": .timestamp(request.completed),
        ]
        if let accountId = request.accountId { output["AccountId"] = .string(accountId) }
        if let reason = request.failureReason { output["FailureReason"] = .string(reason) }
        return .object(output)
    }

    /// CreateAccount: a new member account under the root, with a role the management account can assume
    /// (`OrganizationAccountAccessRole` unless named otherwise) that has AdministratorAccess.
    func createAccount(_ call: OperationCall) async throws -> AWSValue {
        let (tx, organization) = try await Self.requireManaged(call)
        let name = call.input["AccountName"]?.string ?? ""
        let email = call.input["Email"]?.string ?? ""
        let roleName = call.input["RoleName"]?.string ?? "OrganizationAccountAccessRole"
        var request = CreateAccountRequest(
            id: "car-" + Identifiers.lowercase(32), accountName: name, state: "SUCCEEDED", requested: call.time, completed: call.time)
        if try await tx.session.account(email: email) != nil {
            request.state = "FAILED"
            request.failureReason = "EMAIL_ALREADY_EXISTS"
        } else {
            var accountId = Identifiers.accountId()
            while try await tx.session.account(id: accountId) != nil { accountId = Identifiers.accountId() }
            try await tx.session.insert(
                AccountRecord(id: accountId, name: name, email: email, rootPasswordHash: nil, createdAt: call.time.timeIntervalSince1970))
            try await tx.put(
                OrganizationMember(accountId: accountId, parentId: organization.rootId, joinedMethod: "CREATED", joined: call.time),
                OrganizationDocumentKind.member, accountId)
            try await Self.attachFullAccess(to: accountId, tx: tx)
            let trust = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\(organization.managementAccountId):root"},"Action":"sts:AssumeRole"}]}
                """
            var role = IAMRole(
                name: roleName, id: Identifiers.prefixed("AROA", length: 17), path: "/",
                arn: IAMOperations.arn(accountId, "role", path: "/", name: roleName), created: call.time, trustPolicy: trust,
                maxSessionDuration: 3600)
            role.attachedPolicies = ["arn:aws:iam::aws:policy/AdministratorAccess"]
            try await tx.account(accountId).put(role, IAMDocumentKind.role, roleName)
            request.accountId = accountId
        }
        try await tx.put(request, OrganizationDocumentKind.createAccountRequest, request.id)
        return ["CreateAccountStatus": Self.statusOutput(request)]
    }

    func describeCreateAccountStatus(_ call: OperationCall) throws -> AWSValue {
        let (state, _) = try managedOrganization(call)
        let id = call.input["CreateAccountRequestId"]?.string ?? ""
        guard let request = state.createAccountRequests[id.lowercased()] else {
            throw Self.model.error(
                "CreateAccountStatusNotFoundException", "We can't find an create account request with the CreateAccountRequestId that you specified.")
        }
        return ["CreateAccountStatus": Self.statusOutput(request)]
    }

    func listCreateAccountStatus(_ call: OperationCall) throws -> AWSValue {
        let (state, _) = try managedOrganization(call)
        let states = Set((call.input["States"]?.list ?? []).compactMap(\.string))
        let requests = state.createAccountRequests.values.filter { states.isEmpty || states.contains($0.state) }
            .sorted { ($0.requested, $0.id) < ($1.requested, $1.id) }
        let (page, token) = try NextTokenPaging.page(requests, call: call, maxResults: 20, invalidToken: Self.invalidToken) {
            String(format: "%020.6f", $0.requested.timeIntervalSince1970) + $0.id
        }
        return NextTokenPaging.output("CreateAccountStatuses", page.map(Self.statusOutput), nextToken: token)
    }

    func listAccounts(_ call: OperationCall) throws -> AWSValue {
        let (state, organization) = try managedOrganization(call)
        return try accountsPage(state.members.values, call: call, organization: organization)
    }

    func listAccountsForParent(_ call: OperationCall) throws -> AWSValue {
        let (state, organization) = try managedOrganization(call)
        let parentId = try existingParent(call.input["ParentId"]?.string ?? "", state: state, organization: organization)
        return try accountsPage(state.members.values.filter { $0.parentId == parentId }, call: call, organization: organization)
    }

    func accountsPage(_ members: some Sequence<OrganizationMember>, call: OperationCall, organization: Organization) throws -> AWSValue {
        let sorted = members.sorted { $0.accountId < $1.accountId }
        let (page, token) = try NextTokenPaging.page(sorted, call: call, maxResults: 20, invalidToken: Self.invalidToken) { $0.accountId }
        return NextTokenPaging.output("Accounts", page.map { accountOutput($0, organization: organization) }, nextToken: token)
    }

    func describeAccount(_ call: OperationCall) throws -> AWSValue {
        let (state, organization) = try managedOrganization(call)
        guard let member = state.members[call.input["AccountId"]?.string ?? ""] else { throw Self.accountNotFound() }
        return ["Account": accountOutput(member, organization: organization)]
    }

    static func moveAccount(_ call: OperationCall) async throws -> AWSValue {
        let (tx, organization) = try await requireManaged(call)
        let accountId = call.input["AccountId"]?.string ?? ""
        let source = call.input["SourceParentId"]?.string ?? ""
        let destination = call.input["DestinationParentId"]?.string ?? ""
        guard var member = try await tx.get(OrganizationMember.self, OrganizationDocumentKind.member, accountId) else { throw accountNotFound() }
        func exists(_ parent: String) async throws -> Bool {
            if parent == organization.rootId { return true }
            return try await tx.get(OrganizationalUnit.self, OrganizationDocumentKind.unit, parent) != nil
        }
        guard try await exists(source), member.parentId == source else {
            throw model.error("SourceParentNotFoundException", "We can't find a source root or OU with the ParentId that you specified.")
        }
        guard try await exists(destination) else {
            throw model.error("DestinationParentNotFoundException", "We can't find a destination root or OU with the ParentId that you specified.")
        }
        guard destination != source else {
            throw model.error("DuplicateAccountException", "That account is already present in the specified destination.")
        }
        member.parentId = destination
        try await tx.put(member, OrganizationDocumentKind.member, accountId)
        return .empty
    }
}
