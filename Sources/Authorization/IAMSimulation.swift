import AWSWire
import AccessPolicy
import Directory
import Foundation

/// The IAM policy simulator and context-key operations, over the same engine, the same policy collection and the
/// same principal keys and resources that authorize requests (``Authorizer``), so the simulator and enforcement
/// cannot disagree on a request both see alike.
public struct IAMSimulation: Sendable {
    let directory: Directory
    let authorizer: Authorizer

    public init(directory: Directory, authorizer: Authorizer) {
        self.directory = directory
        self.authorizer = authorizer
    }

    /// The IAM operations it serves.
    public var entries: [OperationEntry] {
        [
            OperationEntry(name: "SimulatePrincipalPolicy", readOnly: true, handler: { try simulatePrincipal($0) }),
            OperationEntry(name: "SimulateCustomPolicy", readOnly: true, handler: { try simulateCustom($0) }),
            OperationEntry(name: "GetContextKeysForPrincipalPolicy", readOnly: true, handler: { try contextKeysForPrincipal($0) }),
            OperationEntry(name: "GetContextKeysForCustomPolicy", readOnly: true, handler: { try contextKeysForCustom($0) }),
        ]
    }

    /// What a simulation decides with: the policies, and who is asking.
    struct Simulated {
        var policies: PolicySet
        /// The principal whose keys (`aws:username`, `aws:PrincipalTag/...`) the requests carry; `nil` for custom policies.
        var principal: Principal?
        var callerArn: String
    }

    func parse(_ documents: [AWSValue], prefix: String, kind: PolicyKind = .identity) throws -> [CompiledPolicy] {
        try documents.enumerated().map { index, value in
            do {
                return try CompiledPolicy(id: "\(prefix).\(index + 1)", text: value.string ?? "", kind: kind)
            } catch {
                throw ServiceModel.iam.error("MalformedPolicyDocumentException", "\(error)")
            }
        }
    }

    /// The user, group or role `arn` names, with the policies enforcement collects for it (a role as one of its sessions).
    func principal(_ arn: String, accountId: String) throws -> Simulated {
        let iam = directory.iam(accountId)
        let name = String(arn.split(separator: "/").last ?? "").lowercased()
        // The organization's SCPs bind a member account's users and roles in a simulation too (IAM API Reference,
        // EvaluationResult: "If an AWS Organizations SCP included in the evaluation denies access, the simulation ends").
        let serviceControl = authorizer.controlPolicies(OrganizationPolicyType.serviceControl, accountId: accountId)
        if arn.contains(":user/"), let user = iam.users[name], user.arn == arn {
            let principal = Principal.user(user, of: accountId)
            var policies = authorizer.policies(for: principal, iam: iam)
            policies.serviceControl = serviceControl
            return Simulated(policies: policies, principal: principal, callerArn: arn)
        }
        if arn.contains(":role/"), let role = iam.roles[name], role.arn == arn {
            let principal = Principal.assumedRole(role, session: RoleSession(roleName: role.name, sessionName: "simulated"), of: accountId)
            var policies = authorizer.policies(for: principal, iam: iam)
            policies.serviceControl = serviceControl
            return Simulated(policies: policies, principal: principal, callerArn: arn)
        }
        if arn.contains(":group/"), let group = iam.groups[name], group.arn == arn {
            var policies: [CompiledPolicy] = []
            authorizer.append(inline: group.inlinePolicies, managed: group.attachedPolicies, of: group.arn, iam: iam, to: &policies)
            return Simulated(policies: PolicySet(identity: policies), principal: nil, callerArn: arn)
        }
        throw ServiceModel.iam.error("NoSuchEntityException", "PolicySourceArn \(arn) does not name a user, group or role of this account.")
    }

    func simulatePrincipal(_ call: OperationCall) throws -> AWSValue {
        let accountId = try call.requireCaller().principal.accountId
        let source = call.input["PolicySourceArn"]?.string ?? ""
        var simulated = try principal(source, accountId: accountId)
        simulated.policies.identity += try parse(call.input["PolicyInputList"]?.list ?? [], prefix: "PolicyInputList")
        if let extra = call.input["PermissionsBoundaryPolicyInputList"]?.list {
            simulated.policies.permissionsBoundary = (simulated.policies.permissionsBoundary ?? []) + (try parse(extra, prefix: "PermissionsBoundaryPolicyInputList"))
        }
        if !source.contains(":user/"), let caller = call.input["CallerArn"]?.string { simulated.callerArn = caller }
        return try simulate(call, simulated, accountId: accountId)
    }

    func simulateCustom(_ call: OperationCall) throws -> AWSValue {
        let accountId = try call.requireCaller().principal.accountId
        let identity = try parse(call.input["PolicyInputList"]?.list ?? [], prefix: "PolicyInputList")
        let boundary = try call.input["PermissionsBoundaryPolicyInputList"]?.list.map { try parse($0, prefix: "PermissionsBoundaryPolicyInputList") }
        let callerArn = call.input["CallerArn"]?.string ?? "arn:aws:iam::\(accountId):user/simulated"
        // A caller that is a user of this account carries its keys, as its requests would.
        let iam = directory.iam(accountId)
        let user = callerArn.contains(":user/") ? callerArn.split(separator: "/").last.flatMap { iam.users[$0.lowercased()] } : nil
        let principal = user.flatMap { $0.arn == callerArn ? Principal.user($0, of: accountId) : nil }
        return try simulate(call, Simulated(policies: PolicySet(identity: identity, permissionsBoundary: boundary), principal: principal, callerArn: callerArn), accountId: accountId)
    }

    func simulate(_ call: OperationCall, _ simulated: Simulated, accountId: String) throws -> AWSValue {
        var policies = simulated.policies
        if let resourcePolicy = call.input["ResourcePolicy"]?.string {
            policies.resource = try parse([.string(resourcePolicy)], prefix: "ResourcePolicy", kind: .resource)
        }
        let iam = directory.iam(accountId)
        // The caller's account, and the resources' owner when their ARNs name none (an S3 bucket): a different owner is cross-account.
        let callerAccount = PolicyEvaluator.resourceAccount(simulated.callerArn).map(String.init) ?? accountId
        let owner = call.input["ResourceOwner"]?.string.flatMap { PolicyEvaluator.resourceAccount($0).map(String.init) }
        let identity = PrincipalIdentity(
            arn: simulated.callerArn, accountId: callerAccount, isRoot: false, roleArn: simulated.principal?.roleArn,
            hasPermissionsBoundary: policies.permissionsBoundary != nil)
        let base: RequestContext =
            if let principal = simulated.principal {
                authorizer.principalContext(principal, tags: authorizer.principalTags(principal, iam: iam))
            } else {
                RequestContext(action: "", resource: "", keys: ["aws:PrincipalArn": [simulated.callerArn], "aws:PrincipalAccount": [callerAccount]])
            }
        let actions = (call.input["ActionNames"]?.list ?? []).compactMap(\.string)
        let resources = (call.input["ResourceArns"]?.list ?? []).compactMap(\.string)
        var results: [AWSValue] = []
        for action in actions {
            let reference = Authorizer.reference.action(action)
            for resource in resources.isEmpty ? ["*"] : resources {
                var context = base
                context.action = action
                context.resource = resource
                context.resourceAccount = owner
                authorizer.addResourceTags(of: resource, reference: reference, owner: owner ?? accountId, to: &context)
                for entry in call.input["ContextEntries"]?.list ?? [] {
                    guard let key = entry["ContextKeyName"]?.string else { continue }
                    context.set(key, (entry["ContextKeyValues"]?.list ?? []).compactMap(\.string))
                }
                results.append(result(policies, context: context, principal: identity))
            }
        }
        return ["EvaluationResults": .list(results), "IsTruncated": .boolean(false)]
    }

    /// One evaluation result, naming each matched statement's policy as the simulator does.
    func result(_ policies: PolicySet, context: RequestContext, principal: PrincipalIdentity) -> AWSValue {
        let decision = PolicyEvaluator.evaluate(policies, context: context, principal: principal)
        let matched: [AWSValue] = decision.matched.map { statement in
            let source = Self.source(of: statement.policyId)
            return [
                "SourcePolicyId": .string(source.id),
                "SourcePolicyType": .string(statement.layer == .resource ? "resource" : source.type),
            ]
        }
        var result: [String: AWSValue] = [
            "EvalActionName": .string(context.action), "EvalResourceName": .string(context.resource),
            "EvalDecision": .string(decision.outcome == .allow ? "allowed" : decision.outcome.rawValue),
            "MatchedStatements": .list(matched),
            "MissingContextValues": .list(PolicyEvaluator.missingContextKeys(policies.identity + policies.resource, context: context).map { .string($0) }),
        ]
        if policies.serviceControl != nil {
            result["OrganizationsDecisionDetail"] = ["AllowedByOrganizations": .boolean(decision.decidingLayer != .serviceControl)]
        }
        if let boundary = policies.permissionsBoundary {
            let allowed = PolicyEvaluator.evaluate(PolicySet(identity: boundary), context: context, principal: principal).allowed
            result["PermissionsBoundaryDecisionDetail"] = ["AllowedByPermissionsBoundary": .boolean(allowed)]
        }
        return .object(result)
    }

    /// The simulator's name and type for a compiled policy: an inline policy (`<entity ARN>#<name>`) by name and
    /// entity type, a managed one by name (`aws-managed` or `user-managed`), an input by its place (`PolicyInputList.1`).
    static func source(of policyId: String) -> (id: String, type: String) {
        if let hash = policyId.firstIndex(of: "#") {
            let entity = policyId[..<hash]
            let type = entity.contains(":group/") ? "group" : entity.contains(":role/") ? "role" : "user"
            return (String(policyId[policyId.index(after: hash)...]), type)
        }
        guard policyId.hasPrefix("arn:") else { return (policyId, "none") }
        let name = policyId.split(separator: "/").last.map(String.init) ?? policyId
        return (name, policyId.hasPrefix("arn:aws:iam::aws:policy/") ? "aws-managed" : "user-managed")
    }

    func contextKeysForPrincipal(_ call: OperationCall) throws -> AWSValue {
        let accountId = try call.requireCaller().principal.accountId
        let simulated = try principal(call.input["PolicySourceArn"]?.string ?? "", accountId: accountId)
        let inputs = try parse(call.input["PolicyInputList"]?.list ?? [], prefix: "PolicyInputList")
        return ["ContextKeyNames": .list(Self.keys(simulated.policies.identity + inputs).map { .string($0) })]
    }

    func contextKeysForCustom(_ call: OperationCall) throws -> AWSValue {
        let policies = try parse(call.input["PolicyInputList"]?.list ?? [], prefix: "PolicyInputList")
        return ["ContextKeyNames": .list(Self.keys(policies).map { .string($0) })]
    }

    static func keys(_ policies: [CompiledPolicy]) -> [String] {
        var seen: Set<String> = []
        return policies.flatMap(\.document.contextKeys).filter { seen.insert($0.lowercased()).inserted }
    }
}
