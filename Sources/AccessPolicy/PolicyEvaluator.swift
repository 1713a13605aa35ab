/// The layers of AWS's policy evaluation logic
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
public enum PolicyLayer: String, Sendable {
    case serviceControl = "service control policy"
    case resource = "resource-based policy"
    case permissionsBoundary = "permissions boundary"
    case session = "session policy"
    case identity = "identity-based policy"
}

/// A policy ready for evaluation: its document, its statements compiled, and a name to explain decisions with.
/// (A class, so that the policies of a request are shared, not copied field by field.)
public final class CompiledPolicy: Sendable {
    /// The policy's ARN, or `user/alice/inline-name` for inline policies.
    public let id: String
    public let document: PolicyDocument
    let statements: [CompiledStatement]
    /// Statement indices by the service prefix their actions name (`iam`); `everywhere` holds the
    /// statements whose actions may name any service (`*`, `NotAction`, a wildcard in the prefix).
    let byService: [String: [Int]]
    let everywhere: [Int]

    /// Stage 2 of the engine: a parsed document, compiled for evaluation (patterns tokenized and
    /// case-folded, condition values parsed), so that deciding allocates nothing.
    public init(id: String, document: PolicyDocument) {
        self.id = id
        self.document = document
        let variables = document.version == .v2012_10_17
        statements = document.statements.map { CompiledStatement($0, variables: variables) }
        var byService: [String: [Int]] = [:]
        var everywhere: [Int] = []
        for (index, statement) in document.statements.enumerated() {
            let prefixes = statement.actions.patterns.map { $0.split(separator: ":", maxSplits: 1).first.map { String($0).lowercased() } ?? "*" }
            if statement.actions.negated || prefixes.contains(where: { $0.contains("*") || $0.contains("?") }) {
                everywhere.append(index)
            } else {
                for prefix in Set(prefixes) { byService[prefix, default: []].append(index) }
            }
        }
        self.byService = byService
        self.everywhere = everywhere
    }

    /// The statements that can match an action of `service`, in document order.
    func candidates(service: String, _ body: (Int) -> Void) {
        let specific = byService[service] ?? []
        if everywhere.isEmpty {
            specific.forEach(body)
            return
        }
        if specific.isEmpty {
            everywhere.forEach(body)
            return
        }
        // Both lists are ascending: merge them.
        var a = 0
        var b = 0
        while a < specific.count || b < everywhere.count {
            if b == everywhere.count || (a < specific.count && specific[a] < everywhere[b]) {
                body(specific[a])
                a += 1
            } else {
                body(everywhere[b])
                b += 1
            }
        }
    }

    /// Parses and compiles `text`.
    public convenience init(id: String, text: String, kind: PolicyKind = .identity) throws(PolicyError) {
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
    /// Decides whether `principal` may do `context.action` on `context.resource`, with the statements that matched.
    public static func evaluate(_ policies: PolicySet, context: RequestContext, principal: PrincipalIdentity) -> Decision {
        var matched: [MatchedStatement] = []
        let (outcome, layer) = decide(policies, context: context, principal: principal) { policy, index, statement, layer in
            matched.append(
                MatchedStatement(policyId: policy.id, statementIndex: index, sid: statement.sid, effect: statement.effect, layer: layer))
        }
        return Decision(outcome: outcome, decidingLayer: layer, matched: matched)
    }

    /// The outcome and the deciding layer alone, without collecting the matched statements (the request path:
    /// nothing is allocated).
    public static func outcome(
        _ policies: PolicySet, context: RequestContext, principal: PrincipalIdentity
    ) -> (outcome: Decision.Outcome, layer: PolicyLayer?) {
        decide(policies, context: context, principal: principal) { _, _, _, _ in }
    }

    static func decide(
        _ policies: PolicySet, context: RequestContext, principal: PrincipalIdentity,
        record: (CompiledPolicy, Int, CompiledStatement, PolicyLayer) -> Void
    ) -> (Decision.Outcome, PolicyLayer?) {
        // For resource-based policies: whether an Allow named the principal itself (it then allows on its own
        // within the account) or only its account (the account's own policies must allow too).
        var namesPrincipal = false
        func scan(_ list: [CompiledPolicy], _ layer: PolicyLayer) -> (allow: Bool, deny: Bool) {
            var allow = false
            var deny = false
            for policy in list {
                policy.candidates(service: context.service) { index in
                    let statement = policy.statements[index]
                    let match = statement.match(context: context, principal: principal, layer: layer)
                    guard match != .none else { return }
                    record(policy, index, statement, layer)
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
        var scpAllows = true
        var scpDenies = false
        for level in policies.serviceControl ?? [] {
            let result = scan(level, .serviceControl)
            scpAllows = scpAllows && result.allow
            scpDenies = scpDenies || result.deny
        }
        let resource = scan(policies.resource, .resource)
        let boundary = policies.permissionsBoundary.map { scan($0, .permissionsBoundary) }
        let session = policies.session.map { scan($0, .session) }
        let identity = scan(policies.identity, .identity)

        // 1. An explicit deny anywhere wins.
        if scpDenies { return (.explicitDeny, .serviceControl) }
        if resource.deny { return (.explicitDeny, .resource) }
        if boundary?.deny == true { return (.explicitDeny, .permissionsBoundary) }
        if session?.deny == true { return (.explicitDeny, .session) }
        if identity.deny { return (.explicitDeny, .identity) }
        // 2. Every level of the organization must allow.
        if !scpAllows { return (.implicitDeny, .serviceControl) }
        let crossAccount = resourceAccount(context.resource).map { $0 != principal.accountId } ?? false
        if crossAccount, !resource.allow { return (.implicitDeny, .resource) }
        if principal.isRoot { return (.allow, nil) }
        // 3. Within the account, a resource-based policy that names the principal allows on its own.
        if resource.allow, namesPrincipal, !crossAccount { return (.allow, .resource) }
        // 4. A permissions boundary, then session policies, cap what identity policies allow.
        if let boundary, !boundary.allow { return (.implicitDeny, .permissionsBoundary) }
        if let session, !session.allow { return (.implicitDeny, .session) }
        return (identity.allow ? .allow : .implicitDeny, .identity)
    }

    /// The account in a resource ARN (`arn:aws:iam::<account>:...`), when it names one (bytes, not characters: no
    /// grapheme breaking on the request path).
    public static func resourceAccount(_ arn: String) -> Substring? {
        let utf8 = arn.utf8
        var fields = 0
        var start = utf8.startIndex
        var index = utf8.startIndex
        while index < utf8.endIndex {
            if utf8[index] == UInt8(ascii: ":") {
                fields += 1
                if fields == 4 { start = utf8.index(after: index) }
                if fields == 5 {
                    let account = arn[start..<index]
                    return account.utf8.count == 12 ? account : nil
                }
            }
            index = utf8.index(after: index)
        }
        return nil
    }
}
