import AWSWire
import Foundation

extension OrganizationsOperations {
    var unitEntries: [OperationEntry] {
        [
            OperationEntry(name: "CreateOrganizationalUnit", readOnly: false, handler: Self.createUnit),
            OperationEntry(name: "DescribeOrganizationalUnit", readOnly: true, handler: { try describeUnit($0) }),
            OperationEntry(name: "UpdateOrganizationalUnit", readOnly: false, handler: Self.updateUnit),
            OperationEntry(name: "DeleteOrganizationalUnit", readOnly: false, handler: Self.deleteUnit),
            OperationEntry(name: "ListOrganizationalUnitsForParent", readOnly: true, handler: { try listUnitsForParent($0) }),
            OperationEntry(name: "ListChildren", readOnly: true, handler: { try listChildren($0) }),
            OperationEntry(name: "ListParents", readOnly: true, handler: { try listParents($0) }),
        ]
    }

    static func parentNotFound() -> AWSError {
        model.error("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
    }

    static func unitNotFound() -> AWSError {
        model.error("OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId that you specified.")
    }

    static func duplicateUnit() -> AWSError { model.error("DuplicateOrganizationalUnitException", "An OU with the same name already exists.") }

    static func unitOutput(_ unit: OrganizationalUnit, organization: Organization) -> AWSValue {
        ["Id": .string(unit.id), "Arn": .string(organization.unitArn(unit.id)), "Name": .string(unit.name)]
    }

    func existingParent(_ parentId: String, state: OrganizationState, organization: Organization) throws -> String {
        guard parentId == organization.rootId || state.units[parentId] != nil else { throw Self.parentNotFound() }
        return parentId
    }

    /// Whether a parent already has an OU of this name (OU names are unique under one parent).
    static func nameTaken(_ name: String, parentId: String, tx: DocumentTransaction, except: String? = nil) async throws -> Bool {
        try await tx.all(OrganizationalUnit.self, OrganizationDocumentKind.unit).contains { $0.parentId == parentId && $0.name == name && $0.id != except }
    }

    static func createUnit(_ call: OperationCall) async throws -> AWSValue {
        let (tx, organization) = try await requireManaged(call)
        let parentId = call.input["ParentId"]?.string ?? ""
        let name = call.input["Name"]?.string ?? ""
        let parentIsUnit = try await tx.get(OrganizationalUnit.self, OrganizationDocumentKind.unit, parentId) != nil
        guard parentId == organization.rootId || parentIsUnit else { throw parentNotFound() }
        if try await nameTaken(name, parentId: parentId, tx: tx) { throw duplicateUnit() }
        let unit = OrganizationalUnit(
            id: "ou-\(organization.rootId.dropFirst(2))-" + Identifiers.lowercase(8), name: name, parentId: parentId)
        try await tx.put(unit, OrganizationDocumentKind.unit, unit.id)
        try await attachFullAccess(to: unit.id, tx: tx)
        return ["OrganizationalUnit": unitOutput(unit, organization: organization)]
    }

    func describeUnit(_ call: OperationCall) throws -> AWSValue {
        let (state, organization) = try managedOrganization(call)
        guard let unit = state.units[call.input["OrganizationalUnitId"]?.string ?? ""] else { throw Self.unitNotFound() }
        return ["OrganizationalUnit": Self.unitOutput(unit, organization: organization)]
    }

    static func updateUnit(_ call: OperationCall) async throws -> AWSValue {
        let (tx, organization) = try await requireManaged(call)
        let id = call.input["OrganizationalUnitId"]?.string ?? ""
        guard var unit = try await tx.get(OrganizationalUnit.self, OrganizationDocumentKind.unit, id) else { throw unitNotFound() }
        if let name = call.input["Name"]?.string, name != unit.name {
            if try await nameTaken(name, parentId: unit.parentId, tx: tx, except: id) { throw duplicateUnit() }
            unit.name = name
            try await tx.put(unit, OrganizationDocumentKind.unit, id)
        }
        return ["OrganizationalUnit": unitOutput(unit, organization: organization)]
    }

    static func deleteUnit(_ call: OperationCall) async throws -> AWSValue {
        let (tx, _) = try await requireManaged(call)
        let id = call.input["OrganizationalUnitId"]?.string ?? ""
        guard try await tx.get(OrganizationalUnit.self, OrganizationDocumentKind.unit, id) != nil else { throw unitNotFound() }
        let hasUnits = try await tx.all(OrganizationalUnit.self, OrganizationDocumentKind.unit).contains { $0.parentId == id }
        let hasAccounts = try await tx.all(OrganizationMember.self, OrganizationDocumentKind.member).contains { $0.parentId == id }
        guard !hasUnits, !hasAccounts else {
            throw model.error(
                "OrganizationalUnitNotEmptyException",
                "The specified OU is not empty. Move all accounts to another root or OU and delete all child OUs, and then try the operation again.")
        }
        try await tx.delete(OrganizationDocumentKind.unit, id)
        try await detachAll(from: id, tx: tx)
        return .empty
    }

    func listUnitsForParent(_ call: OperationCall) throws -> AWSValue {
        let (state, organization) = try managedOrganization(call)
        let parentId = try existingParent(call.input["ParentId"]?.string ?? "", state: state, organization: organization)
        let units = state.units.values.filter { $0.parentId == parentId }.sorted { $0.id < $1.id }
        let (page, token) = try NextTokenPaging.page(units, call: call, maxResults: 20, invalidToken: Self.invalidToken) { $0.id }
        return NextTokenPaging.output("OrganizationalUnits", page.map { Self.unitOutput($0, organization: organization) }, nextToken: token)
    }

    func listChildren(_ call: OperationCall) throws -> AWSValue {
        let (state, organization) = try managedOrganization(call)
        let parentId = try existingParent(call.input["ParentId"]?.string ?? "", state: state, organization: organization)
        let type = call.input["ChildType"]?.string ?? ""
        let ids: [String] =
            type == "ACCOUNT"
            ? state.members.values.filter { $0.parentId == parentId }.map(\.accountId)
            : state.units.values.filter { $0.parentId == parentId }.map(\.id)
        let (page, token) = try NextTokenPaging.page(ids.sorted(), call: call, maxResults: 20, invalidToken: Self.invalidToken) { $0 }
        return NextTokenPaging.output("Children", page.map { ["Id": .string($0), "Type": .string(type)] }, nextToken: token)
    }

    func listParents(_ call: OperationCall) throws -> AWSValue {
        let (state, organization) = try managedOrganization(call)
        let childId = call.input["ChildId"]?.string ?? ""
        guard let parentId = state.members[childId]?.parentId ?? state.units[childId]?.parentId else {
            throw Self.model.error("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
        }
        let type = parentId == organization.rootId ? "ROOT" : "ORGANIZATIONAL_UNIT"
        return ["Parents": .list([["Id": .string(parentId), "Type": .string(type)]])]
    }
}
