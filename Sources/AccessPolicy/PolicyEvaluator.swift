/// The layers of AWS's policy evaluation logic
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
public enum PolicyLayer: String, Sendable {
    case serviceControl = "service control policy"
    case resource = "resource-based policy"
    case permissionsBoundary = "permissions boundary"
    case session = "session policy"
    case identity = "identity-based policy"
}

/// A policy ready for evaluation: its document and a name to explain decisions with.
public struct CompiledPolicy: Sendable {
    /// The policy's ARN, or `user/alice/inline-name` for inline policies.
    public let id: String
    public let document: PolicyDocument
    let usesVariables: Bool

    /// Stage 2 of the engine: a parsed document, prepared for evaluation.
    public init(id: String, document: PolicyDocument) {
        self.id = id
        self.document = document
        usesVariables = document.version == .v2012_10_17
    }

    /// Parses and compiles `text`.
    public init(id: String, text: String, kind: PolicyKind = .identity) throws(PolicyError) {
        self.init(id: id, document: try PolicyParser.parse(text, kind: kind))
    }
}

/// Every policy that bears on one request, by layer.
public struct PolicySet: Sendable {
    public var identity: [CompiledPolicy]
    /// `nil`: no permissions boundary applies.
    public var permissionsBoundary: [CompiledPolicy]?
    /// `nil`: not a session with session policies.
    public var session: [CompiledPolicy]?
    /// One entry per level of the organization (root, OUs, account); `nil` outside an organization.
    public var serviceControl: [[CompiledPolicy]]?
    public var resource: [CompiledPolicy]

    public init(
        identity: [CompiledPolicy] = [], permissionsBoundary: [CompiledPolicy]? = nil, session: [CompiledPolicy]? = nil,
        serviceControl: [[CompiledPolicy]]? = nil, resource: [CompiledPolicy] = []
    ) {
        self.identity = identity
        self.permissionsBoundary = permissionsBoundary
        self.session = session
        self.serviceControl = serviceControl
        self.resource = resource
    }
}

/// Who is asking, as resource-based and trust policies name principals.
public struct PrincipalIdentity: Sendable {
    /// `arn:aws:iam::123456789012:user/alice`, `arn:aws:sts::123456789012:assumed-role/r/s`.
    public var arn: String
    public var accountId: String
    /// The account's root user: allowed everything but what an SCP (or an explicit deny) forbids.
    public var isRoot: Bool
    /// For `Service` principals (`ec2.amazonaws.com`).
    public var service: String?

    public init(arn: String, accountId: String, isRoot: Bool, service: String? = nil) {
        self.arn = arn
        self.accountId = accountId
        self.isRoot = isRoot
        self.service = service
    }
}

/// One statement that matched the request.
public struct MatchedStatement: Sendable, Equatable {
    public let policyId: String
    public let statementIndex: Int
    public let sid: String?
    public let effect: Statement.Effect
    public let layer: PolicyLayer
}

/// The outcome of an evaluation, and why.
public struct Decision: Sendable, Equatable {
    /// Allowed, explicitly denied, or denied because nothing allowed it.
    public enum Outcome: String, Sendable {
        case allow, explicitDeny, implicitDeny
    }

    public let outcome: Outcome
    /// The layer that decided (`nil` for root's allow).
    public let decidingLayer: PolicyLayer?
    public let matched: [MatchedStatement]

    public var allowed: Bool { outcome == .allow }
}

/// Stage 3 of the engine: decides a request against a policy set, as AWS does.
public enum PolicyEvaluator {
    /// Decides whether `principal` may do `context.action` on `context.resource`.
    public static func evaluate(_ policies: PolicySet, context: RequestContext, principal: PrincipalIdentity) -> Decision {
        var matched: [MatchedStatement] = []
        // For resource-based policies: whether an Allow named the principal itself (it then allows on its own
        // within the account) or only its account (the account's own policies must allow too).
        var namesPrincipal = false
        func scan(_ list: [CompiledPolicy], _ layer: PolicyLayer) -> (allow: Bool, deny: Bool) {
            var allow = false
            var deny = false
            for policy in list {
                for (index, statement) in policy.document.statements.enumerated() {
                    let match = statementMatch(statement, policy: policy, context: context, principal: principal, layer: layer)
                    guard match != .none else { continue }
                    matched.append(MatchedStatement(policyId: policy.id, statementIndex: index, sid: statement.sid, effect: statement.effect, layer: layer))
                    if statement.effect == .deny {
                        deny = true
                    } else {
                        allow = true
                        if match == .principal { namesPrincipal = true }
                    }
                }
            }
            return (allow, deny)
        }
        let scp = policies.serviceControl.map { levels in levels.map { scan($0, .serviceControl) } }
        let resource = scan(policies.resource, .resource)
        let boundary = policies.permissionsBoundary.map { scan($0, .permissionsBoundary) }
        let session = policies.session.map { scan($0, .session) }
        let identity = scan(policies.identity, .identity)

        // 1. An explicit deny anywhere wins.
        let denies: [(Bool, PolicyLayer)] = [
            (scp?.contains { $0.deny } ?? false, .serviceControl), (resource.deny, .resource), (boundary?.deny ?? false, .permissionsBoundary),
            (session?.deny ?? false, .session), (identity.deny, .identity),
        ]
        if let (_, layer) = denies.first(where: { $0.0 }) {
            return Decision(outcome: .explicitDeny, decidingLayer: layer, matched: matched)
        }
        // 2. Every level of the organization must allow.
        if let scp, !scp.allSatisfy(\.allow) {
            return Decision(outcome: .implicitDeny, decidingLayer: .serviceControl, matched: matched)
        }
        let crossAccount = resourceAccount(context.resource).map { $0 != principal.accountId } ?? false
        if crossAccount, !resource.allow {
            return Decision(outcome: .implicitDeny, decidingLayer: .resource, matched: matched)
        }
        if principal.isRoot { return Decision(outcome: .allow, decidingLayer: nil, matched: matched) }
        // 3. Within the account, a resource-based policy that names the principal allows on its own.
        if resource.allow, namesPrincipal, !crossAccount { return Decision(outcome: .allow, decidingLayer: .resource, matched: matched) }
        // 4. A permissions boundary, then session policies, cap what identity policies allow.
        if let boundary, !boundary.allow {
            return Decision(outcome: .implicitDeny, decidingLayer: .permissionsBoundary, matched: matched)
        }
        if let session, !session.allow {
            return Decision(outcome: .implicitDeny, decidingLayer: .session, matched: matched)
        }
        return Decision(outcome: identity.allow ? .allow : .implicitDeny, decidingLayer: .identity, matched: matched)
    }

    /// How a statement matched: not at all, or (resource-based policies) naming the account or the principal itself.
    enum Match {
        case none, any, account, principal
    }

    static func statementMatch(
        _ statement: Statement, policy: CompiledPolicy, context: RequestContext, principal: PrincipalIdentity, layer: PolicyLayer
    ) -> Match {
        let action = context.action.lowercased()
        let actionHit = statement.actions.patterns.contains { Wildcard.matches($0.lowercased(), action) }
        guard actionHit != statement.actions.negated else { return .none }
        if let resources = statement.resources {
            let hit = resources.patterns.contains { pattern in
                guard let resolved = policy.usesVariables ? PolicyVariables.substitute(pattern, in: context, escapeWildcards: true) : pattern else {
                    return false
                }
                return Wildcard.arnMatches(resolved, context.resource)
            }
            guard hit != resources.negated else { return .none }
        }
        var match = Match.any
        if layer == .resource, let principals = statement.principals {
            let named = principalMatch(principals, principal)
            if principals.negated {
                guard named == .none else { return .none }
            } else {
                guard named != .none else { return .none }
                match = named
            }
        }
        guard statement.conditions.allSatisfy({ ConditionEvaluator.evaluate($0, in: context, variables: policy.usesVariables) }) else { return .none }
        return match
    }

    /// Whether a `Principal` element names the caller itself, or only its account.
    static func principalMatch(_ principals: PrincipalSet, _ principal: PrincipalIdentity) -> Match {
        if principals.everyone { return .principal }
        var found = Match.none
        for value in principals.principals["AWS"] ?? [] {
            if value == "*" || value == principal.arn { return .principal }
            if value == principal.accountId || value == "arn:aws:iam::\(principal.accountId):root" {
                found = principal.isRoot ? .principal : .account
            }
        }
        if let service = principal.service, principals.principals["Service"]?.contains(service) == true { return .principal }
        return found
    }

    /// The account in a resource ARN (`arn:aws:iam::<account>:...`), when it names one.
    static func resourceAccount(_ arn: String) -> String? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[4].count == 12 else { return nil }
        return String(parts[4])
    }
}
