/// A condition prepared for evaluation: its key lower-cased, its values parsed for the operator
/// (patterns, numbers, dates, networks), so evaluating it allocates nothing.
final class CompiledCondition: Sendable {
    /// A policy value, parsed for the operator.
    enum Value: Sendable {
        case pattern(Pattern)
        case number(Double)
        case date(Double)
        case network(Network)
        case arn(ARNPattern)
        case binary([UInt8])
        /// A value the operator cannot read: it matches nothing.
        case unreadable
    }

    let base: ConditionOperator.Base
    let ifExists: Bool
    let qualifier: ConditionOperator.Qualifier?
    let key: String
    let values: [Value]
    /// `Null`: whether the policy wants the key absent.
    let wantsAbsent: Bool

    init(_ condition: Condition, variables: Bool) {
        let operation = condition.operation
        base = operation.base
        ifExists = operation.ifExists
        qualifier = operation.qualifier
        key = condition.key.lowercased()
        wantsAbsent = condition.values.contains { $0.lowercased() == "true" }
        let positive = CompiledCondition.positive(operation.base)
        values = condition.values.map { text in
            switch positive {
            case .stringEquals, .bool: .pattern(Pattern(text, wildcards: false, variables: variables, lowercase: positive == .bool))
            case .stringEqualsIgnoreCase: .pattern(Pattern(text, wildcards: false, variables: variables, lowercase: true))
            case .stringLike: .pattern(Pattern(text, wildcards: true, variables: variables, lowercase: false))
            case .numericEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
                Double(text).map(Value.number) ?? .unreadable
            case .dateEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
                DateText.seconds(text).map(Value.date) ?? .unreadable
            case .ipAddress: Network(cidr: text).map(Value.network) ?? .unreadable
            case .arnEquals, .arnLike: .arn(ARNPattern(text, variables: variables))
            case .binaryEquals: Base64Text.decode(text).map(Value.binary) ?? .unreadable
            default: .unreadable
            }
        }
    }

    static func isNegated(_ base: ConditionOperator.Base) -> Bool {
        switch base {
        case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals, .notIpAddress, .arnNotEquals,
            .arnNotLike:
            true
        default: false
        }
    }

    static func positive(_ base: ConditionOperator.Base) -> ConditionOperator.Base {
        switch base {
        case .stringNotEquals: .stringEquals
        case .stringNotEqualsIgnoreCase: .stringEqualsIgnoreCase
        case .stringNotLike: .stringLike
        case .numericNotEquals: .numericEquals
        case .dateNotEquals: .dateEquals
        case .notIpAddress: .ipAddress
        case .arnNotEquals: .arnEquals
        case .arnNotLike: .arnLike
        default: base
        }
    }

    /// Evaluates the condition, as
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html defines it.
    func evaluate(_ context: RequestContext) -> Bool {
        let present = context.keys[key]
        if base == .null { return wantsAbsent == (present?.isEmpty ?? true) }
        guard let requestValues = present, !requestValues.isEmpty else {
            if ifExists || qualifier == .forAllValues { return true }
            if qualifier == .forAnyValue { return false }
            // A negated operator on a missing key matches; a positive one does not.
            return Self.isNegated(base)
        }
        let negated = Self.isNegated(base)
        switch qualifier {
        case .forAllValues?:
            return requestValues.allSatisfy { negated ? !matchesAny($0, context) : matchesAny($0, context) }
        case .forAnyValue?:
            return requestValues.contains { negated ? !matchesAny($0, context) : matchesAny($0, context) }
        case nil:
            let any = requestValues.contains { matchesAny($0, context) }
            return negated ? !any : any
        }
    }

    /// Whether one request value matches any policy value under the positive form of the operator.
    func matchesAny(_ value: String, _ context: RequestContext) -> Bool {
        let positive = Self.positive(base)
        for policyValue in values {
            switch policyValue {
            case .pattern(let pattern):
                if pattern.matches(value, context: context, foldText: positive == .stringEqualsIgnoreCase || positive == .bool) { return true }
            case .number(let number):
                if let request = Double(value), Self.order(positive, request, number) { return true }
            case .date(let seconds):
                if let request = DateText.seconds(value), Self.order(positive, request, seconds) { return true }
            case .network(let network):
                if network.contains(value) { return true }
            case .arn(let pattern):
                if pattern.matches(value, context: context) { return true }
            case .binary(let bytes):
                if Base64Text.decode(value) == bytes { return true }
            case .unreadable:
                continue
            }
        }
        return false
    }

    static func order(_ base: ConditionOperator.Base, _ a: Double, _ b: Double) -> Bool {
        switch base {
        case .numericEquals, .dateEquals: a == b
        case .numericLessThan, .dateLessThan: a < b
        case .numericLessThanEquals, .dateLessThanEquals: a <= b
        case .numericGreaterThan, .dateGreaterThan: a > b
        default: a >= b
        }
    }
}
