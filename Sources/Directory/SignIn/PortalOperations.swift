import AWSWire
import Foundation

/// The access portal API (`sso`, rest-json, bearer token): the accounts and roles assigned to the
/// signed-in Identity Center user, and temporary credentials for them.
public struct PortalOperations: Sendable {
    let directory: Directory

    public init(directory: Directory) {
        self.directory = directory
    }

    /// Every portal operation Gatehouse serves.
    public var entries: [OperationEntry] {
        [
            OperationEntry(name: "ListAccounts", readOnly: true, handler: { try listAccounts($0) }),
            OperationEntry(name: "ListAccountRoles", readOnly: true, handler: { try listAccountRoles($0) }),
            OperationEntry(name: "GetRoleCredentials", readOnly: false, handler: { try await getRoleCredentials($0) }),
            OperationEntry(name: "Logout", readOnly: false, handler: { try await logout($0) }),
        ]
    }

    static let model = ServiceModel.ssoPortal
    static let unauthorized = model.error("UnauthorizedException", "Session token not found or invalid")
    static let invalidToken = model.error("InvalidRequestException", "The nextToken is not valid.")

    /// The signed-in user behind an access token: the token, the user and their instance.
    func session(_ call: OperationCall) throws -> (token: PortalToken, user: IdentityStoreUser, state: IdentityCenterState) {
        let snapshot = directory.snapshot
        guard let token = snapshot.signIn.tokens[SignInState.digest(call.input["accessToken"]?.string ?? "")], token.kind == "access",
            token.expires > call.time, let state = snapshot.identityCenter[token.ownerAccountId], let user = state.users[token.userId]
        else { throw Self.unauthorized }
        return (token, user, state)
    }

    func listAccounts(_ call: OperationCall) throws -> AWSValue {
        let (_, user, state) = try session(call)
        let accountIds = Set(state.assignments(of: user.id).map(\.accountId)).sorted()
        let (page, next) = try NextTokenPaging.page(accountIds, call: call, invalidToken: Self.invalidToken) { $0 }
        let accounts = page.map { id -> AWSValue in
            let account = directory.account(id: id)
            return ["accountId": .string(id), "accountName": .string(account?.name ?? ""), "emailAddress": .string(account?.email ?? "")]
        }
        var output: [String: AWSValue] = ["accountList": .list(accounts)]
        if let next { output["nextToken"] = .string(next) }
        return .object(output)
    }

    func listAccountRoles(_ call: OperationCall) throws -> AWSValue {
        let (_, user, state) = try session(call)
        let accountId = call.input["accountId"]?.string ?? ""
        let names = Set(state.assignments(of: user.id).filter { $0.accountId == accountId }.compactMap { state.permissionSets[$0.permissionSetId]?.name })
        let (page, next) = try NextTokenPaging.page(names.sorted(), call: call, invalidToken: Self.invalidToken) { $0 }
        var output: [String: AWSValue] = ["roleList": .list(page.map { ["roleName": .string($0), "accountId": .string(accountId)] })]
        if let next { output["nextToken"] = .string(next) }
        return .object(output)
    }

    /// GetRoleCredentials: a session of the permission set's provisioned role, named after the user,
    /// lasting the permission set's session duration. Only what is assigned now is handed out.
    func getRoleCredentials(_ call: OperationCall) async throws -> AWSValue {
        let (token, user, state) = try session(call)
        let accountId = call.input["accountId"]?.string ?? ""
        let roleName = call.input["roleName"]?.string ?? ""
        let permissionSet = state.assignments(of: user.id).filter { $0.accountId == accountId }
            .compactMap { state.permissionSets[$0.permissionSetId] }.first { $0.name == roleName }
        guard let permissionSet, let provisioned = state.provisioned["\(permissionSet.id)/\(accountId)"],
            let role = directory.iam(accountId).roles[provisioned.roleName.lowercased()]
        else { throw AWSError(code: "ForbiddenException", message: "No access", status: 403) }
        let session = RoleSession(roleName: role.name, sessionName: user.userName)
        let duration = Double(SSOAdminOperations.seconds(permissionSet.sessionDuration) ?? 3600)
        let credentials = try await directory.issueTemporaryCredentials(
            accountId: accountId, roleSession: session, duration: duration, mfaAt: token.mfaAt, now: call.time, in: try call.requireSession())
        return [
            "roleCredentials": [
                "accessKeyId": .string(credentials.accessKeyId), "secretAccessKey": .string(credentials.secretAccessKey),
                "sessionToken": .string(credentials.sessionToken),
                "expiration": .integer(Int64(credentials.expiration.timeIntervalSince1970 * 1000)),
            ]
        ]
    }

    /// Logout: ends the portal session (its access and refresh tokens). Credentials already handed out run to their expiry, as on AWS.
    func logout(_ call: OperationCall) async throws -> AWSValue {
        let (token, _, _) = try session(call)
        let tx = DocumentTransaction(session: try call.requireSession(), accountId: SignInState.accountKey)
        for (key, other) in directory.snapshot.signIn.tokens where other.sessionId == token.sessionId {
            try await tx.delete(SignInDocumentKind.token, key)
        }
        return .empty
    }
}
