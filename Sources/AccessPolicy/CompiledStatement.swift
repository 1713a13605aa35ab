/// A statement prepared for evaluation: actions and resources as compiled patterns, conditions parsed.
/// (A class: reading one on the request path costs one reference count, not one per field.)
final class CompiledStatement: Sendable {
    /// How a statement matched: not at all, or (resource-based policies) naming the account or the principal itself.
    enum Match {
        case none, any, account, principal
    }

    let sid: String?
    let effect: Statement.Effect
    let actions: [Pattern]
    let actionsNegated: Bool
    /// `nil` in trust policies, which name no resource.
    let resources: [ARNPattern]?
    let resourcesNegated: Bool
    let principals: PrincipalSet?
    let conditions: [CompiledCondition]

    init(_ statement: Statement, variables: Bool) {
        sid = statement.sid
        effect = statement.effect
        actions = statement.actions.patterns.map { Pattern($0, wildcards: true, variables: false, lowercase: true) }
        actionsNegated = statement.actions.negated
        resources = statement.resources.map { $0.patterns.map { ARNPattern($0, variables: variables) } }
        resourcesNegated = statement.resources?.negated ?? false
        principals = statement.principals
        conditions = statement.conditions.map { CompiledCondition($0, variables: variables) }
    }

    func match(context: RequestContext, principal: PrincipalIdentity, layer: PolicyLayer) -> Match {
        let actionHit = actions.contains { $0.matches(context.lowercasedAction, context: context) }
        guard actionHit != actionsNegated else { return .none }
        if let resources {
            let hit = resources.contains { $0.matches(context.resource, context: context) }
            guard hit != resourcesNegated else { return .none }
        }
        var match = Match.any
        if layer == .resource, let principals {
            let named = Self.principalMatch(principals, principal)
            if principals.negated {
                guard named == .none else { return .none }
            } else {
                guard named != .none else { return .none }
                match = named
            }
        }
        for condition in conditions where !condition.evaluate(context) { return .none }
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
}
