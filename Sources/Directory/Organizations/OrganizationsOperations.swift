import AWSWire
import Foundation
import Storage

/// The Organizations API (`organizations`, json 1.1): the organization, its accounts and OUs.
///
/// Everything is kept under the management account; member accounts may only describe the
/// organization they are in. Writes read the store inside their transaction; reads use the snapshot.
public struct OrganizationsOperations: Sendable {
    let directory: Directory

    public init(directory: Directory) {
        self.directory = directory
    }

    /// Every Organizations operation Gatehouse serves.
    public var entries: [OperationEntry] {
        [
            OperationEntry(name: "CreateOrganization", readOnly: false, handler: createOrganization),
            OperationEntry(name: "DescribeOrganization", readOnly: true, handler: { try describeOrganization($0) }),
            OperationEntry(name: "DeleteOrganization", readOnly: false, handler: Self.deleteOrganization),
            OperationEntry(name: "EnableAWSServiceAccess", readOnly: false, handler: Self.enableServiceAccess),
            OperationEntry(name: "ListAWSServiceAccessForOrganization", readOnly: true, handler: { try listServiceAccess($0) }),
            OperationEntry(name: "ListRoots", readOnly: true, handler: { try listRoots($0) }),
        ] + accountEntries + unitEntries + policyEntries
    }

    static let model = ServiceModel.organizations

    static func notInUse() -> AWSError { model.error("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.") }
    static func accessDenied() -> AWSError { model.error("AccessDeniedException", "You don't have permissions to access this resource.") }
    static func invalidInput(_ message: String) -> AWSError { model.error("InvalidInputException", message) }
    static let invalidToken = invalidInput("The NextToken you specified is not valid.")

    /// The caller's organization from the snapshot, for reads: only its management account may read it.
    func managedOrganization(_ call: OperationCall) throws -> (state: OrganizationState, organization: Organization) {
        let accountId = try call.requireCaller().principal.accountId
        guard let state = directory.organization(of: accountId), let organization = state.organization else { throw Self.notInUse() }
        guard organization.managementAccountId == accountId else { throw Self.accessDenied() }
        return (state, organization)
    }

    /// The caller's organization from the store, for writes; `nil` when the caller is in none.
    static func storedOrganization(_ call: OperationCall) async throws -> (tx: DocumentTransaction, organization: Organization)? {
        let accountId = try call.requireCaller().principal.accountId
        let tx = DocumentTransaction(session: try call.requireSession(), accountId: accountId)
        if let organization = try await tx.get(Organization.self, OrganizationDocumentKind.organization, "organization") {
            return (tx, organization)
        }
        // A member account: its organization is under another account.
        if try await membership(of: accountId, in: tx.session) != nil { throw accessDenied() }
        return nil
    }

    /// The management account of the organization `accountId` belongs to, read from the store.
    static func membership(of accountId: String, in session: StoreSession) async throws -> String? {
        try await session.documents(kind: OrganizationDocumentKind.member.rawValue).first { $0.key == accountId }?.accountId
    }

    /// The caller's organization for a write only its management account may make.
    static func requireManaged(_ call: OperationCall) async throws -> (tx: DocumentTransaction, organization: Organization) {
        guard let found = try await storedOrganization(call) else { throw notInUse() }
        return found
    }

    static func organizationOutput(_ organization: Organization) -> AWSValue {
        [
            "Id": .string(organization.id), "Arn": .string(organization.arn), "FeatureSet": .string(organization.featureSet),
            "MasterAccountArn": .string("arn:aws:organizations::\(organization.managementAccountId):account/\(organization.id)/\(organization.managementAccountId)"),
            "MasterAccountId": .string(organization.managementAccountId),
            "MasterAccountEmail": .string(organization.managementAccountEmail),
            // AWS lists no policy types here any more; the root shows which are enabled.
            "AvailablePolicyTypes": .list([]),
        ]
    }

    func createOrganization(_ call: OperationCall) async throws -> AWSValue {
        let caller = try call.requireCaller()
        let accountId = caller.principal.accountId
        let featureSet = call.input["FeatureSet"]?.string ?? "ALL"
        guard featureSet == "ALL" else {
            throw Self.invalidInput("Gatehouse supports only organizations with all features (FeatureSet ALL).")
        }
        let tx = DocumentTransaction(session: try call.requireSession(), accountId: accountId)
        let managing = try await tx.get(Organization.self, OrganizationDocumentKind.organization, "organization") != nil
        let member = try await Self.membership(of: accountId, in: tx.session) != nil
        if managing || member {
            throw Self.model.error("AlreadyInOrganizationException", "The AWS account is already a member of an organization.")
        }
        guard let account = try await tx.session.account(id: accountId) else { throw AWSError.internalFailure }
        let organization = Organization(
            id: "o-" + Identifiers.lowercase(10), managementAccountId: accountId, managementAccountEmail: account.email, featureSet: featureSet,
            rootId: "r-" + Identifiers.lowercase(4), created: call.time)
        try await tx.put(organization, OrganizationDocumentKind.organization, "organization")
        try await tx.put(
            OrganizationMember(accountId: accountId, parentId: organization.rootId, joinedMethod: "INVITED", joined: call.time),
            OrganizationDocumentKind.member, accountId)
        return ["Organization": Self.organizationOutput(organization)]
    }

    func describeOrganization(_ call: OperationCall) throws -> AWSValue {
        let accountId = try call.requireCaller().principal.accountId
        guard let organization = directory.organization(of: accountId)?.organization else { throw Self.notInUse() }
        return ["Organization": Self.organizationOutput(organization)]
    }

    static func deleteOrganization(_ call: OperationCall) async throws -> AWSValue {
        let (tx, organization) = try await requireManaged(call)
        let members = try await tx.all(OrganizationMember.self, OrganizationDocumentKind.member)
        guard members.allSatisfy({ $0.accountId == organization.managementAccountId }) else {
            throw model.error(
                "OrganizationNotEmptyException", "To delete an organization you must first remove all member accounts (except the master).")
        }
        try await tx.deleteAll(OrganizationDocumentKind.allCases)
        return .empty
    }

    static func enableServiceAccess(_ call: OperationCall) async throws -> AWSValue {
        var (tx, organization) = try await requireManaged(call)
        let principal = call.input["ServicePrincipal"]?.string ?? ""
        guard principal.hasSuffix(".amazonaws.com") else {
            throw invalidInput("You specified a service principal that isn't valid.")
        }
        if organization.servicePrincipals[principal] == nil {
            organization.servicePrincipals[principal] = call.time
            try await tx.put(organization, OrganizationDocumentKind.organization, "organization")
        }
        return .empty
    }

    func listServiceAccess(_ call: OperationCall) throws -> AWSValue {
        let organization = try managedOrganization(call).organization
        let enabled = organization.servicePrincipals.sorted { $0.key < $1.key }
        let (page, token) = try NextTokenPaging.page(enabled, call: call, maxResults: 20, invalidToken: Self.invalidToken) { $0.key }
        return NextTokenPaging.output(
            "EnabledServicePrincipals", page.map { ["ServicePrincipal": .string($0.key), "DateEnabled": .timestamp($0.value)] }, nextToken: token)
    }

    func listRoots(_ call: OperationCall) throws -> AWSValue {
        let (state, organization) = try managedOrganization(call)
        return ["Roots": .list([Self.rootOutput(organization, types: state.policyTypes)])]
    }
}
