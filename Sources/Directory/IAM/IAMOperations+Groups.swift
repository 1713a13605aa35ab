import AWSWire
import Foundation

extension IAMOperations {
    var groupEntries: [Entry] {
        [
            Entry(name: "CreateGroup", readOnly: false, handler: Self.createGroup),
            Entry(name: "GetGroup", readOnly: true, handler: { try getGroup($0) }),
            Entry(name: "UpdateGroup", readOnly: false, handler: { try await updateGroup($0) }),
            Entry(name: "DeleteGroup", readOnly: false, handler: { try await deleteGroup($0) }),
            Entry(name: "ListGroups", readOnly: true, handler: { try listGroups($0) }),
            Entry(name: "AddUserToGroup", readOnly: false, handler: Self.addUserToGroup),
            Entry(name: "RemoveUserFromGroup", readOnly: false, handler: Self.removeUserFromGroup),
            Entry(name: "ListGroupsForUser", readOnly: true, handler: { try listGroupsForUser($0) }),
        ]
    }

    static func groupOutput(_ group: IAMGroup) -> AWSValue {
        [
            "Path": .string(group.path), "GroupName": .string(group.name), "GroupId": .string(group.id), "Arn": .string(group.arn),
            "CreateDate": .timestamp(group.created),
        ]
    }

    static func existingGroup(_ name: String, _ tx: DocumentTransaction) async throws -> IAMGroup {
        guard let group = try await tx.get(IAMGroup.self, .group, name) else {
            throw noSuchEntity("The group with name \(name) cannot be found.")
        }
        return group
    }

    static func createGroup(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let name = try required(call, "GroupName")
        let path = string(call, "Path") ?? "/"
        if try await tx.get(IAMGroup.self, .group, name) != nil {
            throw alreadyExists("Group with name \(name) already exists.")
        }
        let group = IAMGroup(
            name: name, id: Identifiers.prefixed("AGPA", length: 17), path: path, arn: arn(tx.accountId, "group", path: path, name: name),
            created: call.time)
        try await tx.put(group, .group, name)
        return ["Group": groupOutput(group)]
    }

    func getGroup(_ call: OperationCall) throws -> AWSValue {
        let iam = directory.iam(try Self.account(call))
        let name = try Self.required(call, "GroupName")
        guard let group = iam.groups[name.lowercased()] else { throw Self.noSuchEntity("The group with name \(name) cannot be found.") }
        let members = iam.groupMembers[group.name.lowercased()] ?? SortedMap()
        let (page, marker) = try Self.page(members, call: call) { key, _ in iam.users[key].map { Self.userOutput($0, tags: false) } }
        guard case .object(var output) = Self.listOutput("Users", page, marker: marker) else {
            throw AWSError.internalFailure
        }
        output["Group"] = Self.groupOutput(group)
        return .object(output)
    }

    func listGroups(_ call: OperationCall) throws -> AWSValue {
        let iam = directory.iam(try Self.account(call))
        let prefix = Self.string(call, "PathPrefix") ?? "/"
        let (page, marker) = try Self.page(iam.groups, call: call) { _, group in group.path.hasPrefix(prefix) ? Self.groupOutput(group) : nil }
        return Self.listOutput("Groups", page, marker: marker)
    }

    func listGroupsForUser(_ call: OperationCall) throws -> AWSValue {
        let iam = directory.iam(try Self.account(call))
        let user = try Self.snapshotUser(try Self.required(call, "UserName"), iam)
        let groups = user.groups.compactMap { iam.groups[$0.lowercased()] }.sorted { $0.name.lowercased() < $1.name.lowercased() }
        let (page, marker) = try Self.page(groups, call: call) { $0.name.lowercased() }
        return Self.listOutput("Groups", page.map(Self.groupOutput), marker: marker)
    }

    func updateGroup(_ call: OperationCall) async throws -> AWSValue {
        let tx = try Self.transaction(call)
        var group = try await Self.existingGroup(try Self.required(call, "GroupName"), tx)
        let oldName = group.name
        if let newName = Self.string(call, "NewGroupName"), newName != group.name {
            if newName.lowercased() != oldName.lowercased(), try await tx.get(IAMGroup.self, .group, newName) != nil {
                throw Self.alreadyExists("Group with name \(newName) already exists.")
            }
            group.name = newName
        }
        if let newPath = Self.string(call, "NewPath") { group.path = newPath }
        group.arn = Self.arn(tx.accountId, "group", path: group.path, name: group.name)
        if oldName != group.name {
            try await tx.delete(.group, oldName)
            for var user in try await directory.iamWriteView(tx).members(ofGroup: oldName) {
                user.groups = user.groups.map { $0.lowercased() == oldName.lowercased() ? group.name : $0 }
                try await tx.put(user, .user, user.name)
            }
        }
        try await tx.put(group, .group, group.name)
        return .empty
    }

    func deleteGroup(_ call: OperationCall) async throws -> AWSValue {
        let tx = try Self.transaction(call)
        let group = try await Self.existingGroup(try Self.required(call, "GroupName"), tx)
        if try await !directory.iamWriteView(tx).members(ofGroup: group.name).isEmpty {
            throw Self.deleteConflict("Cannot delete entity, must remove users from group first.")
        }
        if !group.attachedPolicies.isEmpty || !group.inlinePolicies.isEmpty {
            throw Self.deleteConflict("Cannot delete entity, must delete policies first.")
        }
        try await tx.delete(.group, group.name)
        return .empty
    }

    static func addUserToGroup(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let group = try await existingGroup(try required(call, "GroupName"), tx)
        var user = try await existingUser(try required(call, "UserName"), tx)
        if user.groups.contains(where: { $0.lowercased() == group.name.lowercased() }) { return .empty }
        guard user.groups.count < 10 else { throw limitExceeded("Cannot exceed quota for GroupsPerUser: 10") }
        user.groups.append(group.name)
        try await tx.put(user, .user, user.name)
        return .empty
    }

    static func removeUserFromGroup(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let group = try await existingGroup(try required(call, "GroupName"), tx)
        var user = try await existingUser(try required(call, "UserName"), tx)
        guard user.groups.contains(where: { $0.lowercased() == group.name.lowercased() }) else {
            throw noSuchEntity("The user with name \(user.name) cannot be found in group \(group.name).")
        }
        user.groups.removeAll { $0.lowercased() == group.name.lowercased() }
        try await tx.put(user, .user, user.name)
        return .empty
    }
}
