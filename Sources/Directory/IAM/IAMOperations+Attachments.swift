import AWSWire
import Foundation

/// What users, groups and roles share: attached managed policies and inline policies.
protocol PolicyHolder: Codable, Sendable {
    var name: String { get }
    var attachedPolicies: [String] { get set }
    var inlinePolicies: [String: String] { get set }
    static var kind: IAMDocumentKind { get }
    /// `User`, `Group`, `Role`: as in the operation names.
    static var label: String { get }
    /// The quota on the total size of the holder's inline policies.
    static var inlineLimit: Int { get }
}

extension IAMUser: PolicyHolder {
    static let kind = IAMDocumentKind.user
    static let label = "User"
    static let inlineLimit = 2048
}

extension IAMGroup: PolicyHolder {
    static let kind = IAMDocumentKind.group
    static let label = "Group"
    static let inlineLimit = 5120
}

extension IAMRole: PolicyHolder {
    static let kind = IAMDocumentKind.role
    static let label = "Role"
    static let inlineLimit = 10240
}

extension IAMOperations {
    var inlinePolicyEntries: [Entry] {
        entries(for: IAMUser.self) + entries(for: IAMGroup.self) + entries(for: IAMRole.self)
    }

    /// Attach/Detach/ListAttached...Policies and Put/Get/Delete/List...Policy(ies) for one holder type.
    func entries<Holder: PolicyHolder>(for type: Holder.Type) -> [Entry] {
        let label = Holder.label
        return [
            Entry(name: "Attach\(label)Policy", readOnly: false, handler: { try await Self.attach(Holder.self, $0) }),
            Entry(name: "Detach\(label)Policy", readOnly: false, handler: { try await Self.detach(Holder.self, $0) }),
            Entry(name: "ListAttached\(label)Policies", readOnly: true, handler: { try listAttached(Holder.self, $0) }),
            Entry(name: "Put\(label)Policy", readOnly: false, handler: { try await Self.putInline(Holder.self, $0) }),
            Entry(name: "Get\(label)Policy", readOnly: true, handler: { try getInline(Holder.self, $0) }),
            Entry(name: "Delete\(label)Policy", readOnly: false, handler: { try await Self.deleteInline(Holder.self, $0) }),
            Entry(name: "List\(label)Policies", readOnly: true, handler: { try listInline(Holder.self, $0) }),
        ]
    }

    static func holder<Holder: PolicyHolder>(_ type: Holder.Type, _ call: OperationCall, _ tx: DocumentTransaction) async throws -> Holder {
        let name = try required(call, "\(Holder.label)Name")
        guard let holder = try await tx.get(Holder.self, Holder.kind, name) else {
            throw noSuchEntity("The \(Holder.label.lowercased()) with name \(name) cannot be found.")
        }
        return holder
    }

    func snapshotHolder<Holder: PolicyHolder>(_ type: Holder.Type, _ call: OperationCall) throws -> Holder {
        let iam = directory.iam(try Self.account(call))
        let name = try Self.required(call, "\(Holder.label)Name")
        let found: (any PolicyHolder)? =
            switch Holder.kind {
            case .user: iam.users[name.lowercased()]
            case .group: iam.groups[name.lowercased()]
            default: iam.roles[name.lowercased()]
            }
        guard let holder = found as? Holder else {
            throw Self.noSuchEntity("The \(Holder.label.lowercased()) with name \(name) cannot be found.")
        }
        return holder
    }

    static func attach<Holder: PolicyHolder>(_ type: Holder.Type, _ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var holder = try await holder(Holder.self, call, tx)
        let arn = try await requirePolicy(try required(call, "PolicyArn"), tx)
        if holder.attachedPolicies.contains(arn) { return .empty }
        guard holder.attachedPolicies.count < 10 else { throw limitExceeded("Cannot exceed quota for PoliciesPer\(Holder.label): 10") }
        holder.attachedPolicies.append(arn)
        try await tx.put(holder, Holder.kind, holder.name)
        return .empty
    }

    static func detach<Holder: PolicyHolder>(_ type: Holder.Type, _ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var holder = try await holder(Holder.self, call, tx)
        let arn = try required(call, "PolicyArn")
        guard holder.attachedPolicies.contains(arn) else { throw noSuchEntity("Policy \(arn) was not found.") }
        holder.attachedPolicies.removeAll { $0 == arn }
        try await tx.put(holder, Holder.kind, holder.name)
        return .empty
    }

    func listAttached<Holder: PolicyHolder>(_ type: Holder.Type, _ call: OperationCall) throws -> AWSValue {
        let accountId = try Self.account(call)
        let iam = directory.iam(accountId)
        let holder = try snapshotHolder(Holder.self, call)
        let prefix = Self.string(call, "PathPrefix") ?? "/"
        let policies = holder.attachedPolicies.compactMap { try? policy($0, in: iam, accountId: accountId) }
            .filter { $0.path.hasPrefix(prefix) }.sorted { $0.name < $1.name }
        let (page, marker) = try Self.page(policies, call: call) { $0.name }
        return Self.listOutput("AttachedPolicies", page.map { ["PolicyName": .string($0.name), "PolicyArn": .string($0.arn)] }, marker: marker)
    }

    static func putInline<Holder: PolicyHolder>(_ type: Holder.Type, _ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var holder = try await holder(Holder.self, call, tx)
        let name = try required(call, "PolicyName")
        let document = try required(call, "PolicyDocument")
        try validateIdentityPolicy(document)
        var policies = holder.inlinePolicies
        policies[name] = document
        let total = policies.values.reduce(0) { $0 + policySize($1) }
        if total > Holder.inlineLimit { throw limitExceeded("Maximum policy size of \(Holder.inlineLimit) bytes exceeded for \(Holder.label.lowercased()) \(holder.name)") }
        holder.inlinePolicies = policies
        try await tx.put(holder, Holder.kind, holder.name)
        return .empty
    }

    func getInline<Holder: PolicyHolder>(_ type: Holder.Type, _ call: OperationCall) throws -> AWSValue {
        let holder = try snapshotHolder(Holder.self, call)
        let name = try Self.required(call, "PolicyName")
        guard let document = holder.inlinePolicies[name] else {
            throw Self.noSuchEntity("The \(Holder.label.lowercased()) policy with name \(name) cannot be found.")
        }
        return ["\(Holder.label)Name": .string(holder.name), "PolicyName": .string(name), "PolicyDocument": Self.encodedDocument(document)]
    }

    static func deleteInline<Holder: PolicyHolder>(_ type: Holder.Type, _ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var holder = try await holder(Holder.self, call, tx)
        let name = try required(call, "PolicyName")
        guard holder.inlinePolicies.removeValue(forKey: name) != nil else {
            throw noSuchEntity("The \(Holder.label.lowercased()) policy with name \(name) cannot be found.")
        }
        try await tx.put(holder, Holder.kind, holder.name)
        return .empty
    }

    func listInline<Holder: PolicyHolder>(_ type: Holder.Type, _ call: OperationCall) throws -> AWSValue {
        let holder = try snapshotHolder(Holder.self, call)
        let names = holder.inlinePolicies.keys.sorted()
        let (page, marker) = try Self.page(names, call: call) { $0 }
        return Self.listOutput("PolicyNames", page.map { .string($0) }, marker: marker)
    }
}
