import AWSWire
import Foundation

extension IdentityStoreOperations {
    var groupEntries: [OperationEntry] {
        [
            OperationEntry(name: "CreateGroup", readOnly: false, handler: Self.createGroup),
            OperationEntry(name: "DescribeGroup", readOnly: true, handler: { try describeGroup($0) }),
            OperationEntry(name: "UpdateGroup", readOnly: false, handler: Self.updateGroup),
            OperationEntry(name: "DeleteGroup", readOnly: false, handler: { try await deleteGroup($0) }),
            OperationEntry(name: "ListGroups", readOnly: true, handler: { try listGroups($0) }),
            OperationEntry(name: "GetGroupId", readOnly: true, handler: { try getGroupId($0) }),
            OperationEntry(name: "CreateGroupMembership", readOnly: false, handler: Self.createMembership),
            OperationEntry(name: "DeleteGroupMembership", readOnly: false, handler: Self.deleteMembership),
            OperationEntry(name: "DescribeGroupMembership", readOnly: true, handler: { try describeMembership($0) }),
            OperationEntry(name: "ListGroupMemberships", readOnly: true, handler: { try listMemberships($0) }),
            OperationEntry(name: "ListGroupMembershipsForMember", readOnly: true, handler: { try listMembershipsForMember($0) }),
            OperationEntry(name: "IsMemberInGroups", readOnly: true, handler: { try isMemberInGroups($0) }),
            OperationEntry(name: "GetGroupMembershipId", readOnly: true, handler: { try getMembershipId($0) }),
        ]
    }

    static func groupOutput(_ group: IdentityStoreGroup, storeId: String) -> AWSValue {
        var output: [String: AWSValue] = [
            "IdentityStoreId": .string(storeId), "GroupId": .string(group.id), "DisplayName": .string(group.displayName),
            "CreatedAt": .timestamp(group.created), "CreatedBy": .string(group.createdBy), "UpdatedAt": .timestamp(group.updated),
            "UpdatedBy": .string(group.updatedBy),
        ]
        if let description = group.description { output["Description"] = .string(description) }
        return .object(output)
    }

    static func checkGroupName(_ name: String, id: String, tx: DocumentTransaction) async throws {
        guard !name.isEmpty else { throw validation("Missing required attribute: displayName.") }
        if reservedNames.contains(name.lowercased()) { throw validation("\(name) is a reserved name and can't be used.") }
        if let holder = try await tx.claimant(.groupName, name), holder.lowercased() != id.lowercased(),
            let other = try await tx.get(IdentityStoreGroup.self, IdentityCenterDocumentKind.group, holder), other.displayName.lowercased() == name.lowercased()
        {
            throw conflict("Duplicate GroupDisplayName: a group named \(name) already exists.")
        }
    }

    static func createGroup(_ call: OperationCall) async throws -> AWSValue {
        let (tx, instance) = try await storedStore(call)
        let name = call.input["DisplayName"]?.string ?? ""
        let id = Identifiers.identityStoreResourceId()
        try await checkGroupName(name, id: id, tx: tx)
        let group = IdentityStoreGroup(
            id: id, displayName: name, description: call.input["Description"]?.string, created: call.time, createdBy: actor(call),
            updated: call.time, updatedBy: actor(call))
        try await tx.put(group, IdentityCenterDocumentKind.group, id)
        try await tx.claim(.groupName, name, for: id)
        return ["IdentityStoreId": .string(instance.identityStoreId), "GroupId": .string(id)]
    }

    func describeGroup(_ call: OperationCall) throws -> AWSValue {
        let state = try storeState(call)
        let id = call.input["GroupId"]?.string ?? ""
        guard let group = state.groups[id.lowercased()] else { throw Self.notFound("GROUP", id) }
        return Self.groupOutput(group, storeId: state.instance?.identityStoreId ?? "")
    }

    static func updateGroup(_ call: OperationCall) async throws -> AWSValue {
        let (tx, _) = try await storedStore(call)
        let id = call.input["GroupId"]?.string ?? ""
        guard var group = try await tx.get(IdentityStoreGroup.self, IdentityCenterDocumentKind.group, id) else { throw notFound("GROUP", id) }
        let oldName = group.displayName
        var attributes: [String: AWSValue] = ["DisplayName": .string(group.displayName)]
        if let description = group.description { attributes["Description"] = .string(description) }
        for operation in call.input["Operations"]?.list ?? [] {
            try apply(operation, to: &attributes, allowed: ["DisplayName", "Description"])
        }
        group.displayName = attributes["DisplayName"]?.string ?? ""
        group.description = attributes["Description"]?.string
        try await checkGroupName(group.displayName, id: group.id, tx: tx)
        group.updated = call.time
        group.updatedBy = actor(call)
        try await tx.put(group, IdentityCenterDocumentKind.group, group.id)
        if oldName.lowercased() != group.displayName.lowercased() {
            try await tx.release(.groupName, oldName, from: group.id)
            try await tx.claim(.groupName, group.displayName, for: group.id)
        }
        return .empty
    }

    func deleteGroup(_ call: OperationCall) async throws -> AWSValue {
        let (tx, _) = try await Self.storedStore(call)
        let id = call.input["GroupId"]?.string ?? ""
        guard let group = try await tx.get(IdentityStoreGroup.self, IdentityCenterDocumentKind.group, id) else { throw Self.notFound("GROUP", id) }
        try await Self.removeMemberships(directory.identityCenterWriteView(tx).memberships(ofGroup: group.id), tx: tx)
        try await removeAssignments(of: group.id, tx: tx)
        try await tx.delete(IdentityCenterDocumentKind.group, group.id)
        try await tx.release(.groupName, group.displayName, from: group.id)
        return .empty
    }

    func listGroups(_ call: OperationCall) throws -> AWSValue {
        let state = try storeState(call)
        let filter = Self.filter(call)
        let storeId = state.instance?.identityStoreId ?? ""
        let (page, token) = try NextTokenPaging.page(state.groups, call: call, invalidToken: Self.invalidToken) { _, group in
            filter == nil || (filter?.path == "displayname" && group.displayName == filter?.value) ? Self.groupOutput(group, storeId: storeId) : nil
        }
        return NextTokenPaging.output("Groups", page, nextToken: token)
    }

    func getGroupId(_ call: OperationCall) throws -> AWSValue {
        let state = try storeState(call)
        let unique = call.input["AlternateIdentifier"]?["UniqueAttribute"]
        let value = unique?["AttributeValue"]?.string ?? ""
        guard unique?["AttributePath"]?.string?.lowercased() == "displayname",
            let group = state.group(named: value)
        else { throw Self.notFound("GROUP", value) }
        return ["IdentityStoreId": .string(state.instance?.identityStoreId ?? ""), "GroupId": .string(group.id)]
    }

    static func membershipOutput(_ membership: IdentityStoreMembership, storeId: String) -> AWSValue {
        [
            "IdentityStoreId": .string(storeId), "MembershipId": .string(membership.id), "GroupId": .string(membership.groupId),
            "MemberId": ["UserId": .string(membership.userId)],
        ]
    }

    static func createMembership(_ call: OperationCall) async throws -> AWSValue {
        let (tx, instance) = try await storedStore(call)
        let groupId = call.input["GroupId"]?.string ?? ""
        let userId = call.input["MemberId"]?["UserId"]?.string ?? ""
        guard let group = try await tx.get(IdentityStoreGroup.self, IdentityCenterDocumentKind.group, groupId) else { throw notFound("GROUP", groupId) }
        guard let user = try await tx.get(IdentityStoreUser.self, IdentityCenterDocumentKind.user, userId) else { throw notFound("USER", userId) }
        let pair = IdentityStoreClaimKind.membershipValue(groupId: group.id, userId: user.id)
        if let holder = try await tx.claimant(.membership, pair), try await tx.get(IdentityStoreMembership.self, IdentityCenterDocumentKind.membership, holder) != nil {
            throw conflict("The user \(userId) is already a member of the group \(groupId).")
        }
        let membership = IdentityStoreMembership(
            id: Identifiers.identityStoreResourceId(), groupId: group.id, userId: user.id, created: call.time, createdBy: actor(call))
        try await tx.put(membership, IdentityCenterDocumentKind.membership, membership.id)
        try await tx.claim(.membership, pair, for: membership.id)
        return ["IdentityStoreId": .string(instance.identityStoreId), "MembershipId": .string(membership.id)]
    }

    static func deleteMembership(_ call: OperationCall) async throws -> AWSValue {
        let (tx, _) = try await storedStore(call)
        let id = call.input["MembershipId"]?.string ?? ""
        guard let membership = try await tx.get(IdentityStoreMembership.self, IdentityCenterDocumentKind.membership, id) else {
            throw notFound("GROUP_MEMBERSHIP", id)
        }
        try await removeMembership(membership, tx: tx)
        return .empty
    }

    func describeMembership(_ call: OperationCall) throws -> AWSValue {
        let state = try storeState(call)
        let id = call.input["MembershipId"]?.string ?? ""
        guard let membership = state.memberships[id.lowercased()] else { throw Self.notFound("GROUP_MEMBERSHIP", id) }
        return Self.membershipOutput(membership, storeId: state.instance?.identityStoreId ?? "")
    }

    func membershipsPage(_ memberships: [IdentityStoreMembership], call: OperationCall, state: IdentityCenterState) throws -> AWSValue {
        let (page, token) = try NextTokenPaging.page(memberships.sorted { $0.id < $1.id }, call: call, invalidToken: Self.invalidToken) { $0.id }
        let storeId = state.instance?.identityStoreId ?? ""
        return NextTokenPaging.output("GroupMemberships", page.map { Self.membershipOutput($0, storeId: storeId) }, nextToken: token)
    }

    func listMemberships(_ call: OperationCall) throws -> AWSValue {
        let state = try storeState(call)
        let groupId = call.input["GroupId"]?.string ?? ""
        guard state.groups[groupId.lowercased()] != nil else { throw Self.notFound("GROUP", groupId) }
        return try membershipsPage(state.memberships(ofGroup: groupId).filter { $0.groupId == groupId }, call: call, state: state)
    }

    func listMembershipsForMember(_ call: OperationCall) throws -> AWSValue {
        let state = try storeState(call)
        let userId = call.input["MemberId"]?["UserId"]?.string ?? ""
        guard state.users[userId.lowercased()] != nil else { throw Self.notFound("USER", userId) }
        return try membershipsPage(state.memberships(ofUser: userId).filter { $0.userId == userId }, call: call, state: state)
    }

    func isMemberInGroups(_ call: OperationCall) throws -> AWSValue {
        let state = try storeState(call)
        let userId = call.input["MemberId"]?["UserId"]?.string ?? ""
        let groups = state.groupIds(of: userId)
        let results = (call.input["GroupIds"]?.list ?? []).compactMap(\.string).map { groupId -> AWSValue in
            ["GroupId": .string(groupId), "MemberId": ["UserId": .string(userId)], "MembershipExists": .boolean(groups.contains(groupId))]
        }
        return ["Results": .list(results)]
    }

    func getMembershipId(_ call: OperationCall) throws -> AWSValue {
        let state = try storeState(call)
        let groupId = call.input["GroupId"]?.string ?? ""
        let userId = call.input["MemberId"]?["UserId"]?.string ?? ""
        guard let membership = state.memberships(ofUser: userId).first(where: { $0.groupId == groupId && $0.userId == userId }) else {
            throw Self.notFound("GROUP_MEMBERSHIP", "\(groupId)/\(userId)")
        }
        return ["IdentityStoreId": .string(state.instance?.identityStoreId ?? ""), "MembershipId": .string(membership.id)]
    }
}
