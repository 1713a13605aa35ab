import AWSWire
import AccessPolicy
import Foundation

extension SSOAdminOperations {
    var permissionSetEntries: [OperationEntry] {
        [
            OperationEntry(name: "CreatePermissionSet", readOnly: false, handler: Self.createPermissionSet),
            OperationEntry(name: "DescribePermissionSet", readOnly: true, handler: { try describePermissionSet($0) }),
            OperationEntry(name: "UpdatePermissionSet", readOnly: false, handler: Self.updatePermissionSet),
            OperationEntry(name: "DeletePermissionSet", readOnly: false, handler: { try await deletePermissionSet($0) }),
            OperationEntry(name: "ListPermissionSets", readOnly: true, handler: { try listPermissionSets($0) }),
        ]
    }

    static func permissionSetNotFound(_ arn: String) -> AWSError { notFound("Could not find PermissionSet with arn \(arn).") }

    /// A permission set of the instance, from the store.
    static func storedPermissionSet(_ arn: String, tx: DocumentTransaction, instance: IdentityCenterInstance) async throws -> PermissionSet {
        guard let id = arn.split(separator: "/").last.map(String.init),
            let permissionSet = try await tx.get(PermissionSet.self, IdentityCenterDocumentKind.permissionSet, id), permissionSet.arn == arn
        else { throw permissionSetNotFound(arn) }
        return permissionSet
    }

    /// The permission set `PermissionSetArn` names, from the store, with the transaction and instance.
    static func storedPermissionSet(_ call: OperationCall) async throws -> (tx: DocumentTransaction, instance: IdentityCenterInstance, permissionSet: PermissionSet) {
        let (tx, instance) = try await storedInstance(call)
        let permissionSet = try await storedPermissionSet(call.input["PermissionSetArn"]?.string ?? "", tx: tx, instance: instance)
        return (tx, instance, permissionSet)
    }

    func permissionSet(_ arn: String, state: IdentityCenterState) throws -> PermissionSet {
        guard let id = arn.split(separator: "/").last, let permissionSet = state.permissionSets[String(id)], permissionSet.arn == arn else {
            throw Self.permissionSetNotFound(arn)
        }
        return permissionSet
    }

    /// Saves a changed permission set as a new revision (accounts provisioned earlier no longer have the latest).
    static func save(_ permissionSet: PermissionSet, tx: DocumentTransaction) async throws {
        var changed = permissionSet
        changed.revision += 1
        try await tx.put(changed, IdentityCenterDocumentKind.permissionSet, changed.id)
    }

    /// Seconds in an ISO 8601 duration of hours, minutes and seconds (`PT1H`, `PT1H30M`).
    static func seconds(_ duration: String) -> Int? {
        guard duration.hasPrefix("PT"), duration.count > 2 else { return nil }
        var total = 0
        var number = ""
        for character in duration.dropFirst(2) {
            if character.isASCII, character.isNumber {
                number.append(character)
                continue
            }
            guard let value = Int(number) else { return nil }
            switch character {
            case "H": total += value * 3600
            case "M": total += value * 60
            case "S": total += value
            default: return nil
            }
            number = ""
        }
        return number.isEmpty ? total : nil
    }

    /// Checks a session duration: 1 to 12 hours.
    static func validSessionDuration(_ duration: String) throws -> String {
        guard let seconds = seconds(duration), (3600...43200).contains(seconds) else {
            throw validation("The session duration must be between 1 hour and 12 hours, in ISO 8601 format (PT1H to PT12H).")
        }
        return duration
    }

    static func permissionSetOutput(_ permissionSet: PermissionSet) -> AWSValue {
        var output: [String: AWSValue] = [
            "Name": .string(permissionSet.name), "PermissionSetArn": .string(permissionSet.arn), "CreatedDate": .timestamp(permissionSet.created),
            "SessionDuration": .string(permissionSet.sessionDuration),
        ]
        if let description = permissionSet.description { output["Description"] = .string(description) }
        if let relayState = permissionSet.relayState { output["RelayState"] = .string(relayState) }
        return .object(output)
    }

    static func createPermissionSet(_ call: OperationCall) async throws -> AWSValue {
        let (tx, instance) = try await storedInstance(call)
        let name = call.input["Name"]?.string ?? ""
        let existing = try await tx.all(PermissionSet.self, IdentityCenterDocumentKind.permissionSet)
        if existing.contains(where: { $0.name.lowercased() == name.lowercased() }) {
            throw conflict("PermissionSet with name \(name) already exists.")
        }
        var permissionSet = PermissionSet(
            id: "ps-" + Identifiers.hex(16), instanceId: instance.id, name: name, description: call.input["Description"]?.string,
            sessionDuration: try validSessionDuration(call.input["SessionDuration"]?.string ?? "PT1H"),
            relayState: call.input["RelayState"]?.string, created: call.time)
        permissionSet.tags = tags(call.input["Tags"])
        try await tx.put(permissionSet, IdentityCenterDocumentKind.permissionSet, permissionSet.id)
        return ["PermissionSet": permissionSetOutput(permissionSet)]
    }

    func describePermissionSet(_ call: OperationCall) throws -> AWSValue {
        let (state, _) = try instanceState(call)
        return ["PermissionSet": Self.permissionSetOutput(try permissionSet(call.input["PermissionSetArn"]?.string ?? "", state: state))]
    }

    static func updatePermissionSet(_ call: OperationCall) async throws -> AWSValue {
        var (tx, _, permissionSet) = try await storedPermissionSet(call)
        if let description = call.input["Description"]?.string { permissionSet.description = description }
        if let duration = call.input["SessionDuration"]?.string { permissionSet.sessionDuration = try validSessionDuration(duration) }
        if let relayState = call.input["RelayState"]?.string { permissionSet.relayState = relayState }
        try await save(permissionSet, tx: tx)
        return .empty
    }

    func deletePermissionSet(_ call: OperationCall) async throws -> AWSValue {
        let (tx, _, permissionSet) = try await Self.storedPermissionSet(call)
        guard try await !directory.identityCenterWriteView(tx).assigns(permissionSet: permissionSet.id) else {
            throw Self.conflict("The permission set \(permissionSet.name) is assigned in accounts; delete its account assignments first.")
        }
        for provisioned in try await tx.all(ProvisionedPermissionSet.self, IdentityCenterDocumentKind.provisioned)
        where provisioned.permissionSetId == permissionSet.id {
            try await Self.deprovision(provisioned, tx: tx)
        }
        try await tx.delete(IdentityCenterDocumentKind.permissionSet, permissionSet.id)
        return .empty
    }

    func listPermissionSets(_ call: OperationCall) throws -> AWSValue {
        let (state, _) = try instanceState(call)
        let arns = state.permissionSets.values.map(\.arn).sorted()
        let (page, token) = try NextTokenPaging.page(arns, call: call, invalidToken: Self.invalidToken) { $0 }
        return NextTokenPaging.output("PermissionSets", page.map { .string($0) }, nextToken: token)
    }
}
