import AWSWire
import Foundation

/// The identity store API (`identitystore`, json 1.1): users, groups and memberships of an Identity Center instance.
public struct IdentityStoreOperations: Sendable {
    let directory: Directory

    public init(directory: Directory) {
        self.directory = directory
    }

    /// Every identity store operation Gatehouse serves.
    public var entries: [OperationEntry] {
        [
            OperationEntry(name: "CreateUser", readOnly: false, handler: Self.createUser),
            OperationEntry(name: "DescribeUser", readOnly: true, handler: { try describeUser($0) }),
            OperationEntry(name: "UpdateUser", readOnly: false, handler: Self.updateUser),
            OperationEntry(name: "DeleteUser", readOnly: false, handler: { try await deleteUser($0) }),
            OperationEntry(name: "ListUsers", readOnly: true, handler: { try listUsers($0) }),
            OperationEntry(name: "GetUserId", readOnly: true, handler: { try getUserId($0) }),
        ] + groupEntries
    }

    static let model = ServiceModel.identityStore

    static func notFound(_ type: String, _ id: String) -> AWSError {
        model.error("ResourceNotFoundException", "\(type.prefix(1))\(type.dropFirst().lowercased()) with id \(id) not found.")
    }

    static func validation(_ message: String) -> AWSError { model.error("ValidationException", message) }
    static func conflict(_ message: String) -> AWSError { model.error("ConflictException", message) }
    static let invalidToken = validation("The NextToken is not valid.")

    /// Who made a change, as identity store records it (`CreatedBy`).
    static func actor(_ call: OperationCall) -> String { call.caller?.principal.arn ?? "" }

    /// The caller's identity store named by `IdentityStoreId`, from the store, for writes.
    static func storedStore(_ call: OperationCall) async throws -> (tx: DocumentTransaction, instance: IdentityCenterInstance) {
        let caller = try call.requireCaller()
        let id = call.input["IdentityStoreId"]?.string ?? ""
        let tx = DocumentTransaction(session: try call.requireSession(), accountId: caller.principal.accountId)
        guard let instance = try await tx.get(IdentityCenterInstance.self, IdentityCenterDocumentKind.instance, "instance"),
            instance.identityStoreId == id, instance.homeRegion == caller.region
        else { throw notFound("IDENTITY_STORE", id) }
        return (tx, instance)
    }

    /// The caller's identity store, from the snapshot, for reads.
    func storeState(_ call: OperationCall) throws -> IdentityCenterState {
        let caller = try call.requireCaller()
        let id = call.input["IdentityStoreId"]?.string ?? ""
        guard let state = directory.snapshot.identityCenter[caller.principal.accountId], let instance = state.instance,
            instance.identityStoreId == id, instance.homeRegion == caller.region
        else { throw Self.notFound("IDENTITY_STORE", id) }
        return state
    }

    /// The members of a user that are kept as given (all but the IDs, the user name and the audit fields).
    static let userAttributes = [
        "Name", "DisplayName", "NickName", "ProfileUrl", "Emails", "Addresses", "PhoneNumbers", "UserType", "Title", "PreferredLanguage",
        "Locale", "Timezone", "Photos", "Website", "Birthdate", "Roles",
    ]

    static func attributes(_ user: IdentityStoreUser) -> [String: AWSValue] {
        AWSValue(json: user.attributes)?.object ?? [:]
    }

    static func primaryEmails(_ attributes: [String: AWSValue]) -> [String] {
        (attributes["Emails"]?.list ?? []).compactMap { $0["Value"]?.string?.lowercased() }
    }

    /// Names AWS keeps for itself: no user or group may take them.
    static let reservedNames: Set<String> = ["administrator", "awsadministrators"]

    /// Checks what AWS requires of a user, and that its user name and emails are its own.
    static func checkUser(_ userName: String, _ attributes: [String: AWSValue], id: String, tx: DocumentTransaction) async throws {
        if reservedNames.contains(userName.lowercased()) { throw validation("\(userName) is a reserved name and can't be used.") }
        for (path, value) in [("displayName", attributes["DisplayName"]), ("name.givenName", attributes["Name"]?["GivenName"]), ("name.familyName", attributes["Name"]?["FamilyName"])]
        where value?.string?.isEmpty ?? true {
            throw validation("Missing required attribute: \(path).")
        }
        // A claim counts while its holder still holds the value (a claim left behind frees itself).
        if let holder = try await tx.claimant(.userName, userName), holder.lowercased() != id.lowercased(),
            let other = try await tx.get(IdentityStoreUser.self, IdentityCenterDocumentKind.user, holder), other.userName.lowercased() == userName.lowercased()
        {
            throw conflict("Duplicate UserName: a user named \(userName) already exists.")
        }
        for email in Set(primaryEmails(attributes)) {
            if let holder = try await tx.claimant(.email, email), holder.lowercased() != id.lowercased(),
                let other = try await tx.get(IdentityStoreUser.self, IdentityCenterDocumentKind.user, holder), primaryEmails(Self.attributes(other)).contains(email)
            {
                throw conflict("Duplicate email: the user \(other.userName) already has that email address.")
            }
        }
    }

    static func createUser(_ call: OperationCall) async throws -> AWSValue {
        let (tx, instance) = try await storedStore(call)
        guard let userName = call.input["UserName"]?.string else { throw validation("Missing required attribute: userName.") }
        var attributes: [String: AWSValue] = [:]
        for name in userAttributes { attributes[name] = call.input[name] }
        let id = Identifiers.identityStoreResourceId()
        try await checkUser(userName, attributes, id: id, tx: tx)
        let user = IdentityStoreUser(
            id: id, userName: userName, attributes: JSONWriter.write(.object(attributes)), created: call.time, createdBy: actor(call),
            updated: call.time, updatedBy: actor(call))
        try await tx.put(user, IdentityCenterDocumentKind.user, id)
        try await moveClaims(from: nil, to: user, tx: tx)
        return ["IdentityStoreId": .string(instance.identityStoreId), "UserId": .string(id)]
    }

    static func userOutput(_ user: IdentityStoreUser, storeId: String) -> AWSValue {
        var output = attributes(user)
        output["IdentityStoreId"] = .string(storeId)
        output["UserId"] = .string(user.id)
        output["UserName"] = .string(user.userName)
        output["UserStatus"] = "ENABLED"
        output["CreatedAt"] = .timestamp(user.created)
        output["CreatedBy"] = .string(user.createdBy)
        output["UpdatedAt"] = .timestamp(user.updated)
        output["UpdatedBy"] = .string(user.updatedBy)
        return .object(output)
    }

    func describeUser(_ call: OperationCall) throws -> AWSValue {
        let state = try storeState(call)
        let id = call.input["UserId"]?.string ?? ""
        guard let user = state.users[id.lowercased()], let instance = state.instance else { throw Self.notFound("USER", id) }
        return Self.userOutput(user, storeId: instance.identityStoreId)
    }

    /// Sets (or, without a value, removes) the attribute at a path like `displayName` or `name.givenName`.
    static func apply(_ operation: AWSValue, to attributes: inout [String: AWSValue], allowed: [String]) throws {
        let path = operation["AttributePath"]?.string ?? ""
        let names = path.split(separator: ".").map { $0.prefix(1).uppercased() + $0.dropFirst() }
        guard let first = names.first, allowed.contains(first), names.count <= 2 else {
            throw validation("The attribute \(path) cannot be updated.")
        }
        let value = operation["AttributeValue"]
        if names.count == 1 {
            attributes[first] = value
        } else {
            var nested = attributes[first]?.object ?? [:]
            nested[names[1]] = value
            attributes[first] = .object(nested)
        }
    }

    static func updateUser(_ call: OperationCall) async throws -> AWSValue {
        let (tx, _) = try await storedStore(call)
        let id = call.input["UserId"]?.string ?? ""
        guard var user = try await tx.get(IdentityStoreUser.self, IdentityCenterDocumentKind.user, id) else { throw notFound("USER", id) }
        let before = user
        var attributes = attributes(user)
        for operation in call.input["Operations"]?.list ?? [] {
            try apply(operation, to: &attributes, allowed: userAttributes)
        }
        try await checkUser(user.userName, attributes, id: user.id, tx: tx)
        user.attributes = JSONWriter.write(.object(attributes))
        user.updated = call.time
        user.updatedBy = actor(call)
        try await tx.put(user, IdentityCenterDocumentKind.user, user.id)
        try await moveClaims(from: before, to: user, tx: tx)
        return .empty
    }

    /// Removes a user or group's account assignments, and the roles no assignment needs any more.
    func removeAssignments(of principalId: String, tx: DocumentTransaction) async throws {
        let removed = try await directory.identityCenterWriteView(tx).assignments(of: principalId)
        for assignment in removed { try await tx.delete(IdentityCenterDocumentKind.assignment, assignment.key) }
        // Read after the deletes: the placements that other assignments still need keep their roles.
        let kept = try await directory.identityCenterWriteView(tx).placements(of: removed)
        for placement in Set(removed.map(\.placement)).subtracting(kept).sorted() {
            if let provisioned = try await tx.get(ProvisionedPermissionSet.self, IdentityCenterDocumentKind.provisioned, placement) {
                try await SSOAdminOperations.deprovision(provisioned, tx: tx)
            }
        }
    }

    func deleteUser(_ call: OperationCall) async throws -> AWSValue {
        let (tx, _) = try await Self.storedStore(call)
        let id = call.input["UserId"]?.string ?? ""
        guard let user = try await tx.get(IdentityStoreUser.self, IdentityCenterDocumentKind.user, id) else { throw Self.notFound("USER", id) }
        try await Self.removeMemberships(directory.identityCenterWriteView(tx).memberships(ofUser: user.id), tx: tx)
        try await removeAssignments(of: user.id, tx: tx)
        try await tx.delete(IdentityCenterDocumentKind.user, user.id)
        try await Self.moveClaims(from: user, to: nil, tx: tx)
        try await SignInOperations.endSessions(ofUser: user.id, session: tx.session)
        return .empty
    }

    /// The value a `Filters` entry asks for, by attribute path (`UserName`, `DisplayName`).
    static func filter(_ call: OperationCall) -> (path: String, value: String)? {
        guard let filter = call.input["Filters"]?.list?.first else { return nil }
        return ((filter["AttributePath"]?.string ?? "").lowercased(), filter["AttributeValue"]?.string ?? "")
    }

    func listUsers(_ call: OperationCall) throws -> AWSValue {
        let state = try storeState(call)
        let filter = Self.filter(call)
        let storeId = state.instance?.identityStoreId ?? ""
        let output = { (user: IdentityStoreUser) in Self.userOutput(user, storeId: storeId) }
        switch filter?.path {
        case nil:
            let (page, token) = try NextTokenPaging.page(state.users, call: call, invalidToken: Self.invalidToken) { output($1) }
            return NextTokenPaging.output("Users", page, nextToken: token)
        case "username":
            let users = filter.flatMap { state.user(named: $0.value) }.map { [$0] } ?? []
            let (page, token) = try NextTokenPaging.page(users, call: call, invalidToken: Self.invalidToken) { $0.id }
            return NextTokenPaging.output("Users", page.map(output), nextToken: token)
        case "displayname":
            let (page, token) = try NextTokenPaging.page(state.users, call: call, invalidToken: Self.invalidToken) { _, user in
                Self.attributes(user)["DisplayName"]?.string == filter?.value ? output(user) : nil
            }
            return NextTokenPaging.output("Users", page, nextToken: token)
        default:
            return NextTokenPaging.output("Users", [], nextToken: nil)
        }
    }

    func getUserId(_ call: OperationCall) throws -> AWSValue {
        let state = try storeState(call)
        let unique = call.input["AlternateIdentifier"]?["UniqueAttribute"]
        let path = unique?["AttributePath"]?.string?.lowercased() ?? ""
        let value = unique?["AttributeValue"]?.string ?? ""
        let user: IdentityStoreUser? =
            switch path {
            case "username": state.user(named: value)
            case "emails.value": state.user(email: value)
            default: nil
            }
        guard let user, let instance = state.instance else { throw Self.notFound("USER", value) }
        return ["IdentityStoreId": .string(instance.identityStoreId), "UserId": .string(user.id)]
    }
}
