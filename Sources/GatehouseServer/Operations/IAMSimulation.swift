import AWSWire
import AccessPolicy
import Directory
import Foundation

/// The IAM policy simulator and context-key operations, over the same engine that authorizes requests.
struct IAMSimulation {
    let directory: Directory

    func register(in registry: inout OperationRegistry) {
        registry.add(service: "iam", operation: "SimulatePrincipalPolicy", .init(handler: { try simulatePrincipal($0) }, readOnly: true))
        registry.add(service: "iam", operation: "SimulateCustomPolicy", .init(handler: { try simulateCustom($0) }, readOnly: true))
        registry.add(service: "iam", operation: "GetContextKeysForPrincipalPolicy", .init(handler: { try contextKeysForPrincipal($0) }, readOnly: true))
        registry.add(service: "iam", operation: "GetContextKeysForCustomPolicy", .init(handler: { try contextKeysForCustom($0) }, readOnly: true))
    }

    /// A policy in a simulation, with the source the results name.
    struct Source {
        let policy: CompiledPolicy
        let sourceId: String
        let type: String
    }

    func parse(_ documents: [AWSValue], prefix: String, kind: PolicyKind = .identity) throws -> [Source] {
        try documents.enumerated().map { index, value in
            let id = "\(prefix).\(index + 1)"
            do {
                return Source(policy: try CompiledPolicy(id: id, text: value.string ?? "", kind: kind), sourceId: id, type: "none")
            } catch {
                throw ServiceModel.iam.error("MalformedPolicyDocumentException", "\(error)")
            }
        }
    }

    /// The identity policies of a user, group or role named by ARN, as simulation sources.
    func principalSources(_ arn: String, accountId: String) throws -> (sources: [Source], boundary: [Source]?) {
        let iam = directory.iam(accountId)
        let name = String(arn.split(separator: "/").last ?? "").lowercased()
        func managed(_ arns: [String]) -> [Source] {
            arns.compactMap { policyArn in
                let policy = AWSManagedPolicies.byArn[policyArn] ?? policyArn.split(separator: "/").last.flatMap { iam.policies[$0.lowercased()] }
                guard let policy, let compiled = try? CompiledPolicy(id: policyArn, text: policy.defaultDocument) else { return nil }
                return Source(policy: compiled, sourceId: policy.name, type: AWSManagedPolicies.byArn[policyArn] == nil ? "user-managed" : "aws-managed")
            }
        }
        func inline(_ policies: [String: String], type: String) -> [Source] {
            policies.sorted { $0.key < $1.key }.compactMap { name, document in
                (try? CompiledPolicy(id: name, text: document)).map { Source(policy: $0, sourceId: name, type: type) }
            }
        }
        if arn.contains(":user/"), let user = iam.users[name], user.arn == arn {
            var sources = inline(user.inlinePolicies, type: "user") + managed(user.attachedPolicies)
            for group in user.groups.compactMap({ iam.groups[$0.lowercased()] }) {
                sources += inline(group.inlinePolicies, type: "group") + managed(group.attachedPolicies)
            }
            return (sources, user.permissionsBoundary.map { managed([$0]) })
        }
        if arn.contains(":group/"), let group = iam.groups[name], group.arn == arn {
            return (inline(group.inlinePolicies, type: "group") + managed(group.attachedPolicies), nil)
        }
        if arn.contains(":role/"), let role = iam.roles[name], role.arn == arn {
            return (inline(role.inlinePolicies, type: "role") + managed(role.attachedPolicies), role.permissionsBoundary.map { managed([$0]) })
        }
        throw ServiceModel.iam.error("NoSuchEntityException", "PolicySourceArn \(arn) does not name a user, group or role of this account.")
    }

    func simulatePrincipal(_ call: OperationCall) throws -> AWSValue {
        let accountId = try call.requireCaller().principal.accountId
        let source = call.input["PolicySourceArn"]?.string ?? ""
        var (sources, boundary) = try principalSources(source, accountId: accountId)
        sources += try parse(call.input["PolicyInputList"]?.list ?? [], prefix: "PolicyInputList")
        if let extra = call.input["PermissionsBoundaryPolicyInputList"]?.list {
            boundary = (boundary ?? []) + (try parse(extra, prefix: "PermissionsBoundaryPolicyInputList"))
        }
        let callerArn = source.contains(":user/") ? source : call.input["CallerArn"]?.string ?? source
        return try simulate(call, sources: sources, boundary: boundary, callerArn: callerArn, accountId: accountId)
    }

    func simulateCustom(_ call: OperationCall) throws -> AWSValue {
        let accountId = try call.requireCaller().principal.accountId
        let sources = try parse(call.input["PolicyInputList"]?.list ?? [], prefix: "PolicyInputList")
        let boundary = try call.input["PermissionsBoundaryPolicyInputList"]?.list.map { try parse($0, prefix: "PermissionsBoundaryPolicyInputList") }
        let callerArn = call.input["CallerArn"]?.string ?? "arn:aws:iam::\(accountId):user/simulated"
        return try simulate(call, sources: sources, boundary: boundary, callerArn: callerArn, accountId: accountId)
    }

    func simulate(_ call: OperationCall, sources: [Source], boundary: [Source]?, callerArn: String, accountId: String) throws -> AWSValue {
        var resourceSources: [Source] = []
        if let resourcePolicy = call.input["ResourcePolicy"]?.string {
            resourceSources = try parse([.string(resourcePolicy)], prefix: "ResourcePolicy", kind: .resource)
        }
        let byId = Dictionary((sources + (boundary ?? []) + resourceSources).map { ($0.policy.id, $0) }, uniquingKeysWith: { first, _ in first })
        let actions = (call.input["ActionNames"]?.list ?? []).compactMap(\.string)
        let resources = (call.input["ResourceArns"]?.list ?? []).compactMap(\.string)
        var results: [AWSValue] = []
        for action in actions {
            for resource in resources.isEmpty ? ["*"] : resources {
                var context = RequestContext(action: action, resource: resource)
                context.set("aws:PrincipalArn", [callerArn])
                context.set("aws:PrincipalAccount", [accountId])
                if callerArn.contains(":user/"), let name = callerArn.split(separator: "/").last { context.set("aws:username", [String(name)]) }
                for entry in call.input["ContextEntries"]?.list ?? [] {
                    guard let key = entry["ContextKeyName"]?.string else { continue }
                    context.set(key, (entry["ContextKeyValues"]?.list ?? []).compactMap(\.string))
                }
                let set = PolicySet(identity: sources.map(\.policy), permissionsBoundary: boundary?.map(\.policy), resource: resourceSources.map(\.policy))
                let decision = PolicyEvaluator.evaluate(
                    set, context: context, principal: PrincipalIdentity(arn: callerArn, accountId: accountId, isRoot: false))
                let matched: [AWSValue] = decision.matched.map { statement in
                    let source = byId[statement.policyId]
                    return [
                        "SourcePolicyId": .string(source?.sourceId ?? statement.policyId),
                        "SourcePolicyType": .string(statement.layer == .resource ? "resource" : source?.type ?? "none"),
                    ]
                }
                var result: [String: AWSValue] = [
                    "EvalActionName": .string(action), "EvalResourceName": .string(resource),
                    "EvalDecision": .string(decision.outcome == .allow ? "allowed" : decision.outcome.rawValue),
                    "MatchedStatements": .list(matched),
                    "MissingContextValues": .list(PolicyEvaluator.missingContextKeys(set.identity + set.resource, context: context).map { .string($0) }),
                ]
                if let boundary {
                    let allowed = PolicyEvaluator.evaluate(
                        PolicySet(identity: boundary.map(\.policy)), context: context,
                        principal: PrincipalIdentity(arn: callerArn, accountId: accountId, isRoot: false)).allowed
                    result["PermissionsBoundaryDecisionDetail"] = ["AllowedByPermissionsBoundary": .boolean(allowed)]
                }
                results.append(.object(result))
            }
        }
        return ["EvaluationResults": .list(results), "IsTruncated": .boolean(false)]
    }

    func contextKeysForPrincipal(_ call: OperationCall) throws -> AWSValue {
        let accountId = try call.requireCaller().principal.accountId
        var (sources, _) = try principalSources(call.input["PolicySourceArn"]?.string ?? "", accountId: accountId)
        sources += try parse(call.input["PolicyInputList"]?.list ?? [], prefix: "PolicyInputList")
        return ["ContextKeyNames": .list(Self.keys(sources).map { .string($0) })]
    }

    func contextKeysForCustom(_ call: OperationCall) throws -> AWSValue {
        let sources = try parse(call.input["PolicyInputList"]?.list ?? [], prefix: "PolicyInputList")
        return ["ContextKeyNames": .list(Self.keys(sources).map { .string($0) })]
    }

    static func keys(_ sources: [Source]) -> [String] {
        var seen: Set<String> = []
        return sources.flatMap(\.policy.document.contextKeys).filter { seen.insert($0.lowercased()).inserted }
    }
}
