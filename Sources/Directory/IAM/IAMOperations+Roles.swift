import AWSWire
import AccessPolicy
import Foundation

extension IAMOperations {
    var roleEntries: [Entry] {
        [
            Entry(name: "CreateRole", readOnly: false, handler: Self.createRole),
            Entry(name: "GetRole", readOnly: true, handler: { try getRole($0) }),
            Entry(name: "UpdateRole", readOnly: false, handler: Self.updateRole),
            Entry(name: "UpdateRoleDescription", readOnly: false, handler: Self.updateRoleDescription),
            Entry(name: "DeleteRole", readOnly: false, handler: Self.deleteRole),
            Entry(name: "ListRoles", readOnly: true, handler: { try listRoles($0) }),
            Entry(name: "UpdateAssumeRolePolicy", readOnly: false, handler: Self.updateAssumeRolePolicy),
            Entry(name: "TagRole", readOnly: false, handler: Self.tagRole),
            Entry(name: "UntagRole", readOnly: false, handler: Self.untagRole),
            Entry(name: "ListRoleTags", readOnly: true, handler: { try listRoleTags($0) }),
            Entry(name: "PutRolePermissionsBoundary", readOnly: false, handler: Self.putRolePermissionsBoundary),
            Entry(name: "DeleteRolePermissionsBoundary", readOnly: false, handler: Self.deleteRolePermissionsBoundary),
        ]
    }

    static func roleOutput(_ role: IAMRole, full: Bool = true) -> AWSValue {
        var value: [String: AWSValue] = [
            "Path": .string(role.path), "RoleName": .string(role.name), "RoleId": .string(role.id), "Arn": .string(role.arn),
            "CreateDate": .timestamp(role.created), "AssumeRolePolicyDocument": encodedDocument(role.trustPolicy),
            "MaxSessionDuration": .integer(Int64(role.maxSessionDuration)),
        ]
        if let description = role.description { value["Description"] = .string(description) }
        if let boundary = permissionsBoundary(role.permissionsBoundary) { value["PermissionsBoundary"] = boundary }
        if full {
            if !role.tags.isEmpty { value["Tags"] = tags(role.tags) }
            value["RoleLastUsed"] = .empty
        }
        return .object(value)
    }

    static func existingRole(_ name: String, _ tx: DocumentTransaction) async throws -> IAMRole {
        guard let role = try await tx.get(IAMRole.self, .role, name) else {
            throw noSuchEntity("The role with name \(name) cannot be found.")
        }
        return role
    }

    static func validateTrustPolicy(_ document: String) throws {
        try checkSize(document, limit: 2048, what: "ACLSizePerRole")
        try validatePolicy(document, kind: .trust)
    }

    static func createRole(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let name = try required(call, "RoleName")
        let path = string(call, "Path") ?? "/"
        let trust = try required(call, "AssumeRolePolicyDocument")
        try validateTrustPolicy(trust)
        if try await tx.get(IAMRole.self, .role, name) != nil {
            throw alreadyExists("Role with name \(name) already exists.")
        }
        var boundary: String?
        if let named = string(call, "PermissionsBoundary") { boundary = try await requirePolicy(named, tx) }
        let role = IAMRole(
            name: name, id: Identifiers.prefixed("AROA", length: 17), path: path, arn: arn(tx.accountId, "role", path: path, name: name),
            created: call.time, trustPolicy: trust, description: string(call, "Description"),
            maxSessionDuration: Int(call.input["MaxSessionDuration"]?.integer ?? 3600), tags: try inputTags(call),
            permissionsBoundary: boundary)
        try await tx.put(role, .role, name)
        return ["Role": roleOutput(role, full: false)]
    }

    func getRole(_ call: OperationCall) throws -> AWSValue {
        let iam = directory.iam(try Self.account(call))
        let name = try Self.required(call, "RoleName")
        guard let role = iam.roles[name.lowercased()] else { throw Self.noSuchEntity("The role with name \(name) cannot be found.") }
        return ["Role": Self.roleOutput(role)]
    }

    func listRoles(_ call: OperationCall) throws -> AWSValue {
        let iam = directory.iam(try Self.account(call))
        let prefix = Self.string(call, "PathPrefix") ?? "/"
        let (page, marker) = try Self.page(iam.roles, call: call) { _, role in role.path.hasPrefix(prefix) ? Self.roleOutput(role, full: false) : nil }
        return Self.listOutput("Roles", page, marker: marker)
    }

    static func updateRole(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var role = try await existingRole(try required(call, "RoleName"), tx)
        if let description = string(call, "Description") { role.description = description }
        if let duration = call.input["MaxSessionDuration"]?.integer { role.maxSessionDuration = Int(duration) }
        try await tx.put(role, .role, role.name)
        return .empty
    }

    static func updateRoleDescription(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var role = try await existingRole(try required(call, "RoleName"), tx)
        role.description = try required(call, "Description")
        try await tx.put(role, .role, role.name)
        return ["Role": roleOutput(role)]
    }

    static func deleteRole(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let role = try await existingRole(try required(call, "RoleName"), tx)
        if !role.attachedPolicies.isEmpty || !role.inlinePolicies.isEmpty {
            throw deleteConflict("Cannot delete entity, must detach all policies first.")
        }
        try await tx.delete(.role, role.name)
        return .empty
    }

    static func updateAssumeRolePolicy(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var role = try await existingRole(try required(call, "RoleName"), tx)
        let trust = try required(call, "PolicyDocument")
        try validateTrustPolicy(trust)
        role.trustPolicy = trust
        try await tx.put(role, .role, role.name)
        return .empty
    }

    static func tagRole(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var role = try await existingRole(try required(call, "RoleName"), tx)
        role.tags = try inputTags(call, merging: role.tags)
        try await tx.put(role, .role, role.name)
        return .empty
    }

    static func untagRole(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var role = try await existingRole(try required(call, "RoleName"), tx)
        let keys = Set((call.input["TagKeys"]?.list ?? []).compactMap { $0.string?.lowercased() })
        role.tags.removeAll { keys.contains($0.key.lowercased()) }
        try await tx.put(role, .role, role.name)
        return .empty
    }

    func listRoleTags(_ call: OperationCall) throws -> AWSValue {
        let iam = directory.iam(try Self.account(call))
        let name = try Self.required(call, "RoleName")
        guard let role = iam.roles[name.lowercased()] else { throw Self.noSuchEntity("The role with name \(name) cannot be found.") }
        return ["Tags": Self.tags(role.tags), "IsTruncated": .boolean(false)]
    }

    static func putRolePermissionsBoundary(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var role = try await existingRole(try required(call, "RoleName"), tx)
        let boundary = try await requirePolicy(try required(call, "PermissionsBoundary"), tx)
        role.permissionsBoundary = boundary
        try await tx.put(role, .role, role.name)
        return .empty
    }

    static func deleteRolePermissionsBoundary(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var role = try await existingRole(try required(call, "RoleName"), tx)
        role.permissionsBoundary = nil
        try await tx.put(role, .role, role.name)
        return .empty
    }
}
