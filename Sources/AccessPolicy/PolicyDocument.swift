/// An IAM policy document, parsed: the JSON grammar of
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
public struct PolicyDocument: Sendable, Equatable {
    /// The policy language version; `2008-10-17` has no policy variables.
    public enum Version: String, Sendable, Equatable {
        case v2012_10_17 = "2012-10-17"
        case v2008_10_17 = "2008-10-17"
    }

    public var version: Version
    public var id: String?
    public var statements: [Statement]
}

/// One statement of a policy.
public struct Statement: Sendable, Equatable {
    /// Allow or deny.
    public enum Effect: String, Sendable, Equatable {
        case allow = "Allow"
        case deny = "Deny"
    }

    public var sid: String?
    public var effect: Effect
    /// `Principal` (or `NotPrincipal` when `principals.negated`), in resource-based and trust policies.
    public var principals: PrincipalSet?
    /// `Action` (or `NotAction` when negated).
    public var actions: PatternSet
    /// `Resource` (or `NotResource` when negated); absent in trust policies.
    public var resources: PatternSet?
    public var conditions: [Condition]
}

/// A list of patterns (`iam:Get*`, `arn:aws:s3:::bucket/*`), or its complement (`NotAction`, `NotResource`).
public struct PatternSet: Sendable, Equatable {
    public var patterns: [String]
    public var negated: Bool

    public init(patterns: [String], negated: Bool) {
        self.patterns = patterns
        self.negated = negated
    }
}

/// `Principal` / `NotPrincipal`: `"*"` or a map of principal types (`AWS`, `Service`, `Federated`, `CanonicalUser`) to values.
public struct PrincipalSet: Sendable, Equatable {
    /// `"Principal": "*"`: everyone.
    public var everyone: Bool
    public var principals: [String: [String]]
    public var negated: Bool

    public init(everyone: Bool, principals: [String: [String]], negated: Bool) {
        self.everyone = everyone
        self.principals = principals
        self.negated = negated
    }
}

/// One condition: an operator applied to one key and its values (values OR, conditions AND).
public struct Condition: Sendable, Equatable {
    public var operation: ConditionOperator
    public var key: String
    public var values: [String]
}

/// A condition operator with its `...IfExists` suffix and `ForAllValues:`/`ForAnyValue:` qualifier.
public struct ConditionOperator: Sendable, Equatable {
    /// The base operators of the policy language.
    public enum Base: String, Sendable, CaseIterable {
        case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike", stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals", numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan", numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan", numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals", dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan", dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan", dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool"
        case binaryEquals = "BinaryEquals"
        case ipAddress = "IpAddress", notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals", arnLike = "ArnLike", arnNotEquals = "ArnNotEquals", arnNotLike = "ArnNotLike"
        case null = "Null"
    }

    /// How a multivalued key is compared.
    public enum Qualifier: String, Sendable {
        case forAllValues = "ForAllValues"
        case forAnyValue = "ForAnyValue"
    }

    public var base: Base
    public var ifExists: Bool
    public var qualifier: Qualifier?

    /// Reads `ForAnyValue:StringLikeIfExists` and the like; `nil` for an unknown operator.
    public init?(_ text: String) {
        var name = Substring(text)
        qualifier = nil
        if let colon = name.firstIndex(of: ":") {
            guard let qualifier = Qualifier(rawValue: String(name[..<colon])) else { return nil }
            self.qualifier = qualifier
            name = name[name.index(after: colon)...]
        }
        ifExists = name.hasSuffix("IfExists")
        if ifExists { name = name.dropLast("IfExists".count) }
        guard let base = Base(rawValue: String(name)), !(ifExists && base == .null) else { return nil }
        self.base = base
    }
}
