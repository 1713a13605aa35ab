/// The layers of AWS's policy evaluation logic
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
public enum PolicyLayer: String, Sendable {
    case serviceControl = "service control policy"
    case resourceControl = "resource control policy"
    case resource = "resource-based policy"
    case permissionsBoundary = "permissions boundary"
    case session = "session policy"
    case identity = "identity-based policy"
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
    /// The resource control policies of the resource's account, one entry per level; `nil` when none apply.
    public var resourceControl: [[CompiledPolicy]]?
    public var resource: [CompiledPolicy]
    /// Whether a resource-based policy must allow the request whatever the identity policies say: a role's
    /// trust policy for `sts:AssumeRole`, `sts:TagSession` and `sts:SetSourceIdentity`, within the account too.
    public var resourcePolicyRequired: Bool

    public init(
        identity: [CompiledPolicy] = [], permissionsBoundary: [CompiledPolicy]? = nil, session: [CompiledPolicy]? = nil,
        serviceControl: [[CompiledPolicy]]? = nil, resourceControl: [[CompiledPolicy]]? = nil, resource: [CompiledPolicy] = [],
        resourcePolicyRequired: Bool = false
    ) {
        self.identity = identity
        self.permissionsBoundary = permissionsBoundary
        self.session = session
        self.serviceControl = serviceControl
        self.resourceControl = resourceControl
        self.resource = resource
        self.resourcePolicyRequired = resourcePolicyRequired
    }

    /// Whether any policy here reads the request's context keys (``CompiledPolicy/readsContext``): when none
    /// does, a caller need not gather them.
    public var readsContext: Bool {
        identity.contains { $0.readsContext } || permissionsBoundary?.contains { $0.readsContext } == true
            || session?.contains { $0.readsContext } == true || serviceControl?.contains { $0.contains { $0.readsContext } } == true
            || resourceControl?.contains { $0.contains { $0.readsContext } } == true
            || resource.contains { $0.readsContext }
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
    /// For a role session: the role's ARN. A `Principal` naming the role covers its sessions.
    public var roleArn: String?
    /// Whether a permissions boundary applies to the principal: a `Deny` with `NotPrincipal` then always
    /// applies to it, whatever `NotPrincipal` names.
    public var hasPermissionsBoundary: Bool

    public init(arn: String, accountId: String, isRoot: Bool, service: String? = nil, roleArn: String? = nil, hasPermissionsBoundary: Bool = false) {
        self.arn = arn
        self.accountId = accountId
        self.isRoot = isRoot
        self.service = service
        self.roleArn = roleArn
        self.hasPermissionsBoundary = hasPermissionsBoundary
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
        let (outcome, layer) = decide(policies, context: context, principal: principal) { policy, index, layer in
            let statement = policy.document.statements[index]
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
        decide(policies, context: context, principal: principal) { _, _, _ in }
    }

    static func decide(
        _ policies: PolicySet, context: RequestContext, principal: PrincipalIdentity, record: (CompiledPolicy, Int, PolicyLayer) -> Void
    ) -> (Decision.Outcome, PolicyLayer?) {
        context.withPrepared { request in decide(policies, request: request, context: context, principal: principal, record: record) }
    }

    static func decide(
        _ policies: PolicySet, request: PreparedRequest, context: RequestContext, principal: PrincipalIdentity,
        record: (CompiledPolicy, Int, PolicyLayer) -> Void
    ) -> (Decision.Outcome, PolicyLayer?) {
        var scpAllows = true
        var scpDenies = false
        for level in policies.serviceControl ?? [] {
            let result = scan(level, .serviceControl, request, principal, record)
            scpAllows = scpAllows && result.allow
            scpDenies = scpDenies || result.deny
        }
        var rcpAllows = true
        var rcpDenies = false
        for level in policies.resourceControl ?? [] {
            let result = scan(level, .resourceControl, request, principal, record)
            rcpAllows = rcpAllows && result.allow
            rcpDenies = rcpDenies || result.deny
        }
        let resource = scan(policies.resource, .resource, request, principal, record)
        let boundary = policies.permissionsBoundary.map { scan($0, .permissionsBoundary, request, principal, record) }
        let session = policies.session.map { scan($0, .session, request, principal, record) }
        let identity = scan(policies.identity, .identity, request, principal, record)

        // 1. An explicit deny anywhere wins.
        if rcpDenies { return (.explicitDeny, .resourceControl) }
        if scpDenies { return (.explicitDeny, .serviceControl) }
        if resource.deny { return (.explicitDeny, .resource) }
        if boundary?.deny == true { return (.explicitDeny, .permissionsBoundary) }
        if session?.deny == true { return (.explicitDeny, .session) }
        if identity.deny { return (.explicitDeny, .identity) }
        // 2. Every level of the organization must allow (the resource's RCPs, then the principal's SCPs), and a trust
        // policy must allow its role's actions.
        if !rcpAllows { return (.implicitDeny, .resourceControl) }
        if !scpAllows { return (.implicitDeny, .serviceControl) }
        if policies.resourcePolicyRequired, !resource.allow { return (.implicitDeny, .resource) }
        // The resource's owner: its ARN's account, or the one the caller names for ARNs without an account (S3, Identity Center).
        let crossAccount =
            if let owner = context.resourceAccount { owner != principal.accountId } else {
                resourceAccount(context.resource).map { $0 != principal.accountId } ?? false
            }
        if crossAccount, !resource.allow { return (.implicitDeny, .resource) }
        if principal.isRoot { return (.allow, nil) }
        // 3. Within the account, a resource-based policy that names the user or the role session itself allows on
        // its own, past any permissions boundary or session policy.
        if resource.allow, resource.namesPrincipal, !crossAccount { return (.allow, .resource) }
        // 4. A permissions boundary, then session policies, cap what identity policies allow, and what a
        // resource-based policy naming the session's role allows.
        if let boundary, !boundary.allow { return (.implicitDeny, .permissionsBoundary) }
        if let session, !session.allow { return (.implicitDeny, .session) }
        if resource.allow, resource.namesRole, !crossAccount { return (.allow, .resource) }
        return (identity.allow ? .allow : .implicitDeny, .identity)
    }

    /// What the statements of one layer said: whether any allowed or denied, and (resource-based
    /// policies) whether an Allow named the principal itself, so that it allows on its own within the
    /// account, or the session's role (capped by the role's boundary and the session's policies), rather
    /// than only its account (whose own policies must allow too).
    struct LayerResult {
        var allow = false
        var deny = false
        var namesPrincipal = false
        var namesRole = false
    }

    static func scan(
        _ list: [CompiledPolicy], _ layer: PolicyLayer, _ request: PreparedRequest, _ principal: PrincipalIdentity,
        _ record: (CompiledPolicy, Int, PolicyLayer) -> Void
    ) -> LayerResult {
        var result = LayerResult()
        list.withUnsafeBufferPointer { list in
            for position in list.indices {
                // The array keeps the policy alive for the whole scan.
                unowned(unsafe) let policy = list[position]
                var candidates = policy.candidates(request.service)
                while let index = candidates.next() {
                    let match = policy.match(index, request, principal: principal, layer: layer)
                    guard match != .none else { continue }
                    record(policy, index, layer)
                    if policy.statements[index].isDeny {
                        result.deny = true
                    } else {
                        result.allow = true
                        if match == .principal { result.namesPrincipal = true }
                        if match == .role { result.namesRole = true }
                    }
                }
            }
        }
        return result
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
