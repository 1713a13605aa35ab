import AWSWire
import Foundation
import Storage

extension IAMOperations {
    var userEntries: [Entry] {
        [
            Entry(name: "CreateUser", readOnly: false, handler: Self.createUser),
            Entry(name: "GetUser", readOnly: true, handler: { try getUser($0) }),
            Entry(name: "UpdateUser", readOnly: false, handler: { try await updateUser($0) }),
            Entry(name: "DeleteUser", readOnly: false, handler: { try await deleteUser($0) }),
            Entry(name: "ListUsers", readOnly: true, handler: { try listUsers($0) }),
            Entry(name: "TagUser", readOnly: false, handler: Self.tagUser),
            Entry(name: "UntagUser", readOnly: false, handler: Self.untagUser),
            Entry(name: "ListUserTags", readOnly: true, handler: { try listUserTags($0) }),
            Entry(name: "PutUserPermissionsBoundary", readOnly: false, handler: Self.putUserPermissionsBoundary),
            Entry(name: "DeleteUserPermissionsBoundary", readOnly: false, handler: Self.deleteUserPermissionsBoundary),
        ]
    }

    static func userOutput(_ user: IAMUser, tags: Bool = true) -> AWSValue {
        var value: [String: AWSValue] = [
            "Path": .string(user.path), "UserName": .string(user.name), "UserId": .string(user.id), "Arn": .string(user.arn),
            "CreateDate": .timestamp(user.created),
        ]
        if let used = user.passwordLastUsed { value["PasswordLastUsed"] = .timestamp(used) }
        if let boundary = permissionsBoundary(user.permissionsBoundary) { value["PermissionsBoundary"] = boundary }
        if tags, !user.tags.isEmpty { value["Tags"] = Self.tags(user.tags) }
        return .object(value)
    }

    /// The user named in the transaction, or `NoSuchEntity`.
    static func existingUser(_ name: String, _ tx: DocumentTransaction) async throws -> IAMUser {
        guard let user = try await tx.get(IAMUser.self, .user, name) else {
            throw noSuchEntity("The user with name \(name) cannot be found.")
        }
        return user
    }

    /// The name of the IAM user `principal` is; any other caller must name the user (AWS's `ValidationError`).
    static func callerUserName(_ principal: Principal) throws -> String {
        guard principal.kind == .user else { throw userNameRequired() }
        return principal.username
    }

    /// AWS's refusal when a caller that is not an IAM user omits `UserName`, which would mean itself.
    static func userNameRequired() -> AWSError {
        model.error("ValidationError", "Must specify userName when calling with non-User credentials")
    }

    /// The user named in the snapshot, or `NoSuchEntity`.
    static func snapshotUser(_ name: String, _ iam: AccountIAM) throws -> IAMUser {
        guard let user = iam.user(name) else { throw noSuchEntity("The user with name \(name) cannot be found.") }
        return user
    }

    static func createUser(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let name = try required(call, "UserName")
        let path = string(call, "Path") ?? "/"
        if try await tx.get(IAMUser.self, .user, name) != nil {
            throw alreadyExists("User with name \(name) already exists.")
        }
        var boundary: String?
        if let named = string(call, "PermissionsBoundary") { boundary = try await requirePolicy(named, tx) }
        let user = IAMUser(
            name: name, id: Identifiers.prefixed("AIDA", length: 17), path: path, arn: arn(tx.accountId, "user", path: path, name: name),
            created: call.time, tags: try inputTags(call), permissionsBoundary: boundary)
        try await tx.put(user, .user, name)
        return ["User": userOutput(user)]
    }

    /// Checks in the transaction that a policy ARN names a policy (AWS managed or the account's own), and
    /// returns the ARN as the policy spells it: what is stored, so that a search for the policy's ARN finds it
    /// byte for byte (Swift's `==` also takes canonically equivalent text as equal).
    static func requirePolicy(_ arn: String, _ tx: DocumentTransaction) async throws -> String {
        if let managed = AWSManagedPolicies.byArn[arn] { return managed.arn }
        return try await ownPolicy(arn, tx).arn
    }

    func getUser(_ call: OperationCall) throws -> AWSValue {
        let caller = try call.requireCaller()
        let iam = directory.iam(caller.principal.accountId)
        guard let name = Self.string(call, "UserName") else {
            // Without a name: the caller itself.
            if caller.principal.kind == .root {
                let created = directory.account(id: caller.principal.accountId)?.created ?? call.time
                return ["User": ["UserId": .string(caller.principal.accountId), "Arn": .string(caller.principal.arn), "CreateDate": .timestamp(created)]]
            }
            return ["User": Self.userOutput(try Self.snapshotUser(try Self.callerUserName(caller.principal), iam))]
        }
        return ["User": Self.userOutput(try Self.snapshotUser(name, iam))]
    }

    func listUsers(_ call: OperationCall) throws -> AWSValue {
        let iam = directory.iam(try Self.account(call))
        let prefix = Self.string(call, "PathPrefix") ?? "/"
        // Each user is read in place and written out at once (a copy of a user is a dozen retains).
        let (page, marker) = try Self.page(iam.users, call: call) { _, user in user.path.hasPrefix(prefix) ? Self.userOutput(user, tags: false) : nil }
        return Self.listOutput("Users", page, marker: marker)
    }

    func updateUser(_ call: OperationCall) async throws -> AWSValue {
        let tx = try Self.transaction(call)
        var user = try await Self.existingUser(try Self.required(call, "UserName"), tx)
        let oldName = user.name
        if let newName = Self.string(call, "NewUserName"), newName != user.name {
            if newName.lowercased() != user.name.lowercased(), try await tx.get(IAMUser.self, .user, newName) != nil {
                throw Self.alreadyExists("User with name \(newName) already exists.")
            }
            user.name = newName
        }
        if let newPath = Self.string(call, "NewPath") { user.path = newPath }
        user.arn = Self.arn(tx.accountId, "user", path: user.path, name: user.name)
        if oldName.lowercased() != user.name.lowercased() {
            try await tx.delete(.user, oldName)
            if var profile = try await tx.get(LoginProfile.self, .loginProfile, oldName) {
                try await tx.delete(.loginProfile, oldName)
                profile.userName = user.name
                try await tx.put(profile, .loginProfile, user.name)
            }
            for key in try await tx.session.accessKeys(accountId: tx.accountId, userName: oldName) {
                try await tx.session.renameAccessKeyOwner(id: key.id, userName: user.name)
            }
            // The user's MFA devices and security keys go with it (a user with the old name would otherwise get them).
            for var device in try await directory.iamWriteView(tx).mfaDevices(of: oldName) {
                device.userName = user.name
                try await tx.put(device, .mfaDevice, device.name)
            }
        }
        try await tx.put(user, .user, user.name)
        return .empty
    }

    func deleteUser(_ call: OperationCall) async throws -> AWSValue {
        let tx = try Self.transaction(call)
        let user = try await Self.existingUser(try Self.required(call, "UserName"), tx)
        if try await !tx.session.accessKeys(accountId: tx.accountId, userName: user.name).isEmpty {
            throw Self.deleteConflict("Cannot delete entity, must delete access keys first.")
        }
        if try await tx.get(LoginProfile.self, .loginProfile, user.name) != nil {
            throw Self.deleteConflict("Cannot delete entity, must delete login profile first.")
        }
        if try await !directory.iamWriteView(tx).mfaDevices(of: user.name).isEmpty {
            throw Self.deleteConflict("Cannot delete entity, must delete MFA device first.")
        }
        if !user.attachedPolicies.isEmpty || !user.inlinePolicies.isEmpty {
            throw Self.deleteConflict("Cannot delete entity, must detach all policies first.")
        }
        if !user.groups.isEmpty {
            throw Self.deleteConflict("Cannot delete entity, must remove users from group first.")
        }
        try await tx.delete(.user, user.name)
        return .empty
    }

    static func tagUser(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var user = try await existingUser(try required(call, "UserName"), tx)
        user.tags = try inputTags(call, merging: user.tags)
        try await tx.put(user, .user, user.name)
        return .empty
    }

    static func untagUser(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var user = try await existingUser(try required(call, "UserName"), tx)
        let keys = Set((call.input["TagKeys"]?.list ?? []).compactMap { $0.string?.lowercased() })
        user.tags.removeAll { keys.contains($0.key.lowercased()) }
        try await tx.put(user, .user, user.name)
        return .empty
    }

    func listUserTags(_ call: OperationCall) throws -> AWSValue {
        let user = try Self.snapshotUser(try Self.required(call, "UserName"), directory.iam(try Self.account(call)))
        return ["Tags": Self.tags(user.tags), "IsTruncated": .boolean(false)]
    }

    static func putUserPermissionsBoundary(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var user = try await existingUser(try required(call, "UserName"), tx)
        let boundary = try await requirePolicy(try required(call, "PermissionsBoundary"), tx)
        user.permissionsBoundary = boundary
        try await tx.put(user, .user, user.name)
        return .empty
    }

    static func deleteUserPermissionsBoundary(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var user = try await existingUser(try required(call, "UserName"), tx)
        user.permissionsBoundary = nil
        try await tx.put(user, .user, user.name)
        return .empty
    }
}
