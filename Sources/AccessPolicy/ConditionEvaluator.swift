import Foundation

/// Evaluates one condition against the request context, as
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html defines it.
enum ConditionEvaluator {
    static func evaluate(_ condition: Condition, in context: RequestContext, variables: Bool) -> Bool {
        let operation = condition.operation
        let present = context.values(condition.key)
        if operation.base == .null {
            let wantsAbsent = condition.values.contains { $0.lowercased() == "true" }
            return wantsAbsent == (present == nil || present!.isEmpty)
        }
        let policyValues: [String] = condition.values.compactMap { value in
            variables ? PolicyVariables.substitute(value, in: context, escapeWildcards: isLike(operation.base)) : value
        }
        guard let requestValues = present, !requestValues.isEmpty else {
            if operation.ifExists { return true }
            if operation.qualifier == .forAllValues { return true }
            if operation.qualifier == .forAnyValue { return false }
            // A negated operator on a missing key matches; a positive one does not.
            return isNegated(operation.base)
        }
        switch operation.qualifier {
        case .forAllValues?:
            return requestValues.allSatisfy { value in matchesAny(operation.base, value, policyValues) }
        case .forAnyValue?:
            return requestValues.contains { value in matchesAny(operation.base, value, policyValues) }
        case nil:
            // Single-valued: positive operators match when any value matches any policy value;
            // negated operators when no value matches any policy value.
            if isNegated(operation.base) {
                let positive = positiveForm(operation.base)
                return !requestValues.contains { value in policyValues.contains { compare(positive, value, $0) } }
            }
            return requestValues.contains { value in policyValues.contains { compare(operation.base, value, $0) } }
        }
    }

    /// With a set qualifier, a negated operator applies per value: the value matches none of the policy values.
    static func matchesAny(_ base: ConditionOperator.Base, _ value: String, _ policyValues: [String]) -> Bool {
        if isNegated(base) {
            let positive = positiveForm(base)
            return !policyValues.contains { compare(positive, value, $0) }
        }
        return policyValues.contains { compare(base, value, $0) }
    }

    static func isLike(_ base: ConditionOperator.Base) -> Bool {
        [.stringLike, .stringNotLike, .arnLike, .arnNotLike, .arnEquals, .arnNotEquals].contains(base)
    }

    static func isNegated(_ base: ConditionOperator.Base) -> Bool {
        [.stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals, .notIpAddress, .arnNotEquals, .arnNotLike]
            .contains(base)
    }

    static func positiveForm(_ base: ConditionOperator.Base) -> ConditionOperator.Base {
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

    /// One request value against one policy value, for a positive operator.
    static func compare(_ base: ConditionOperator.Base, _ value: String, _ policy: String) -> Bool {
        switch base {
        case .stringEquals: return value == policy
        case .stringEqualsIgnoreCase: return value.lowercased() == policy.lowercased()
        case .stringLike: return Wildcard.matches(policy, value)
        case .numericEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
            guard let a = Double(value), let b = Double(policy) else { return false }
            return order(base, a, b)
        case .dateEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let a = date(value), let b = date(policy) else { return false }
            return order(base, a, b)
        case .bool: return value.lowercased() == policy.lowercased()
        case .binaryEquals: return Data(base64Encoded: value) != nil && Data(base64Encoded: value) == Data(base64Encoded: policy)
        case .ipAddress: return CIDR(policy)?.contains(value) ?? false
        case .arnEquals, .arnLike: return Wildcard.arnMatches(policy, value)
        default: return false
        }
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

    /// ISO 8601 dates (with or without time, fraction, zone) or epoch seconds.
    static func date(_ text: String) -> Double? {
        if let seconds = Double(text) { return seconds }
        var formats: [Date.ISO8601FormatStyle] = [.iso8601]
        formats.append(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        formats.append(Date.ISO8601FormatStyle().year().month().day())
        for format in formats {
            if let date = try? format.parse(text) { return date.timeIntervalSince1970 }
        }
        return nil
    }
}
