import Foundation

/// Which kind of policy a document is: the grammar differs (a trust policy names principals and no resources).
public enum PolicyKind: Sendable {
    /// Attached to a user, group or role, a permissions boundary, or a session policy.
    case identity
    /// A role's trust policy (`AssumeRolePolicyDocument`).
    case trust
    /// A policy attached to a resource.
    case resource
}

/// Why a policy document was refused: AWS's wording, and where in the document.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    /// `Statement[1].Action[0]`, or empty for the document as a whole.
    public let location: String

    public var description: String { location.isEmpty ? message : "\(message) (at \(location))" }
}

/// A finding about a valid policy that is likely a mistake (`"Action": "*"` on `"Resource": "*"`).
public struct PolicyWarning: Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let location: String

    public var description: String { "\(message) (at \(location))" }
}

/// Parses and validates policy documents (stage 1 of the engine: text → ``PolicyDocument``).
public enum PolicyParser {
    static let topLevelKeys: Set<String> = ["Version", "Id", "Statement"]
    static let statementKeys: Set<String> = [
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    ]
    static let principalTypes: Set<String> = ["AWS", "Service", "Federated", "CanonicalUser"]

    /// Parses `text` as a policy of `kind`.
    ///
    /// - Throws: ``PolicyError`` naming the first problem, worded as IAM's `MalformedPolicyDocument` messages are.
    public static func parse(_ text: String, kind: PolicyKind) throws(PolicyError) -> PolicyDocument {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [])
        } catch {
            throw PolicyError(message: "Syntax errors in policy.", location: "")
        }
        guard let object = json as? [String: Any] else { throw PolicyError(message: "Syntax errors in policy.", location: "") }
        for key in object.keys.sorted() where !topLevelKeys.contains(key) {
            throw PolicyError(message: "Syntax errors in policy. Unknown field \(key).", location: key)
        }
        var version = PolicyDocument.Version.v2008_10_17
        if let raw = object["Version"] {
            guard let text = raw as? String, let parsed = PolicyDocument.Version(rawValue: text) else {
                throw PolicyError(message: "The policy must contain a valid version string", location: "Version")
            }
            version = parsed
        }
        let id = object["Id"] as? String
        let rawStatements: [Any]
        switch object["Statement"] {
        case let list as [Any]: rawStatements = list
        case let single as [String: Any]: rawStatements = [single]
        default: throw PolicyError(message: "Syntax errors in policy. The policy must contain a Statement.", location: "Statement")
        }
        guard !rawStatements.isEmpty else {
            throw PolicyError(message: "Syntax errors in policy. The Statement list is empty.", location: "Statement")
        }
        var statements: [Statement] = []
        var sids: Set<String> = []
        for (index, raw) in rawStatements.enumerated() {
            let statement = try parseStatement(raw, kind: kind, at: "Statement[\(index)]")
            if let sid = statement.sid, !sid.isEmpty {
                guard sids.insert(sid).inserted else {
                    throw PolicyError(message: "Statement IDs (SID) in a single policy must be unique.", location: "Statement[\(index)].Sid")
                }
            }
            statements.append(statement)
        }
        return PolicyDocument(version: version, id: id, statements: statements)
    }

    /// What is valid but suspicious in `document`.
    public static func warnings(_ document: PolicyDocument) -> [PolicyWarning] {
        var warnings: [PolicyWarning] = []
        for (index, statement) in document.statements.enumerated() where statement.effect == .allow {
            let allActions = !statement.actions.negated && statement.actions.patterns.contains("*")
            let allResources = statement.resources.map { !$0.negated && $0.patterns.contains("*") } ?? false
            if allActions && allResources && statement.conditions.isEmpty {
                warnings.append(PolicyWarning(message: "Allows every action on every resource (full administrator access).", location: "Statement[\(index)]"))
            }
            if statement.actions.negated || statement.resources?.negated == true {
                warnings.append(PolicyWarning(message: "Allow with NotAction or NotResource grants everything not listed.", location: "Statement[\(index)]"))
            }
            if statement.principals?.everyone == true || statement.principals?.principals["AWS"]?.contains("*") == true {
                warnings.append(PolicyWarning(message: "Allows any principal (\"Principal\": \"*\").", location: "Statement[\(index)].Principal"))
            }
        }
        return warnings
    }

    static func parseStatement(_ raw: Any, kind: PolicyKind, at location: String) throws(PolicyError) -> Statement {
        guard let object = raw as? [String: Any] else { throw PolicyError(message: "Syntax errors in policy.", location: location) }
        for key in object.keys.sorted() where !statementKeys.contains(key) {
            throw PolicyError(message: "Syntax errors in policy. Unknown field \(key).", location: "\(location).\(key)")
        }
        var sid: String?
        if let raw = object["Sid"] {
            guard let text = raw as? String else { throw PolicyError(message: "Syntax errors in policy.", location: "\(location).Sid") }
            if kind == .identity, !text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                throw PolicyError(message: "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*", location: "\(location).Sid")
            }
            sid = text
        }
        guard let effectText = object["Effect"] else { throw PolicyError(message: "Missing required field Effect", location: "\(location).Effect") }
        guard let effectName = effectText as? String, let effect = Statement.Effect(rawValue: effectName) else {
            throw PolicyError(message: "Invalid effect: \(effectText)", location: "\(location).Effect")
        }
        let principals = try parsePrincipals(object, kind: kind, at: location)
        guard let actions = try patternSet(object, "Action", "NotAction", at: location, check: checkAction) else {
            throw PolicyError(message: "Policy statement must contain actions.", location: location)
        }
        let resources = try patternSet(object, "Resource", "NotResource", at: location, check: checkResource)
        switch kind {
        case .identity, .resource:
            if resources == nil { throw PolicyError(message: "Policy statement must contain resources.", location: location) }
        case .trust:
            if resources != nil { throw PolicyError(message: "Has prohibited field Resource", location: "\(location).Resource") }
        }
        let conditions = try parseConditions(object["Condition"], at: "\(location).Condition")
        return Statement(sid: sid, effect: effect, principals: principals, actions: actions, resources: resources, conditions: conditions)
    }

    static func parsePrincipals(_ object: [String: Any], kind: PolicyKind, at location: String) throws(PolicyError) -> PrincipalSet? {
        let positive = object["Principal"]
        let negative = object["NotPrincipal"]
        if positive != nil, negative != nil {
            throw PolicyError(message: "Syntax errors in policy. A statement cannot have both Principal and NotPrincipal.", location: location)
        }
        let field = positive != nil ? "Principal" : "NotPrincipal"
        guard let raw = positive ?? negative else {
            if kind == .identity { return nil }
            throw PolicyError(message: "Missing required field Principal", location: "\(location).Principal")
        }
        if kind == .identity { throw PolicyError(message: "Policy document should not specify a principal.", location: "\(location).\(field)") }
        if let text = raw as? String {
            guard text == "*" else { throw PolicyError(message: "Invalid principal in policy: \"\(text)\"", location: "\(location).\(field)") }
            return PrincipalSet(everyone: true, principals: [:], negated: negative != nil)
        }
        guard let map = raw as? [String: Any], !map.isEmpty else {
            throw PolicyError(message: "Invalid principal in policy", location: "\(location).\(field)")
        }
        var principals: [String: [String]] = [:]
        for (type, value) in map.sorted(by: { $0.key < $1.key }) {
            guard principalTypes.contains(type), let values = strings(value), !values.isEmpty else {
                throw PolicyError(message: "Invalid principal in policy: \"\(type)\"", location: "\(location).\(field).\(type)")
            }
            for value in values where type == "AWS" && !isAWSPrincipal(value) {
                throw PolicyError(message: "Invalid principal in policy: \"AWS\":\"\(value)\"", location: "\(location).\(field).AWS")
            }
            principals[type] = values
        }
        return PrincipalSet(everyone: false, principals: principals, negated: negative != nil)
    }

    static func isAWSPrincipal(_ value: String) -> Bool {
        if value == "*" { return true }
        if value.count == 12, value.allSatisfy(\.isNumber) { return true }
        let parts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return parts.count == 6 && parts[0] == "arn" && (parts[2] == "iam" || parts[2] == "sts")
            && parts[4].count == 12 && parts[4].allSatisfy(\.isNumber)
    }

    static func patternSet(
        _ object: [String: Any], _ positive: String, _ negative: String, at location: String, check: (String, String) throws(PolicyError) -> Void
    ) throws(PolicyError) -> PatternSet? {
        let hasPositive = object[positive] != nil
        let hasNegative = object[negative] != nil
        if hasPositive, hasNegative {
            throw PolicyError(message: "Syntax errors in policy. A statement cannot have both \(positive) and \(negative).", location: location)
        }
        guard hasPositive || hasNegative else { return nil }
        let field = hasPositive ? positive : negative
        guard let values = strings(object[field]!), !values.isEmpty else {
            throw PolicyError(message: "Syntax errors in policy. \(field) must be a string or a list of strings.", location: "\(location).\(field)")
        }
        for (index, value) in values.enumerated() { try check(value, "\(location).\(field)[\(index)]") }
        return PatternSet(patterns: values, negated: hasNegative)
    }

    static func checkAction(_ action: String, at location: String) throws(PolicyError) {
        if action == "*" { return }
        let parts = action.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
            !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "*" || $0 == "?" || $0 == "-" || $0 == "_") })
        else {
            throw PolicyError(message: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", location: location)
        }
    }

    static func checkResource(_ resource: String, at location: String) throws(PolicyError) {
        if resource == "*" { return }
        let parts = resource.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, !parts[2].isEmpty else {
            throw PolicyError(message: "Resource \(resource) must be in ARN format or \"*\".", location: location)
        }
    }

    static func parseConditions(_ raw: Any?, at location: String) throws(PolicyError) -> [Condition] {
        guard let raw else { return [] }
        guard let operators = raw as? [String: Any] else { throw PolicyError(message: "Syntax errors in policy.", location: location) }
        var conditions: [Condition] = []
        for (name, block) in operators.sorted(by: { $0.key < $1.key }) {
            guard let operation = ConditionOperator(name) else {
                throw PolicyError(message: "Invalid Condition type : \(name)", location: "\(location).\(name)")
            }
            guard let keys = block as? [String: Any] else { throw PolicyError(message: "Syntax errors in policy.", location: "\(location).\(name)") }
            for (key, value) in keys.sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw PolicyError(message: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", location: "\(location).\(name).\(key)")
                }
                guard let values = strings(value) else {
                    throw PolicyError(message: "Syntax errors in policy. A condition value must be a string, number, boolean or a list of them.", location: "\(location).\(name).\(key)")
                }
                conditions.append(Condition(operation: operation, key: key, values: values))
            }
        }
        return conditions
    }

    /// A JSON string, number or boolean, or a list of them, as strings.
    static func strings(_ value: Any) -> [String]? {
        func scalar(_ item: Any) -> String? {
            switch item {
            case let text as String: return text
            case let number as NSNumber:
                if isBoolean(number) { return number.boolValue ? "true" : "false" }
                return number.stringValue
            default: return nil
            }
        }
        if let list = value as? [Any] {
            let mapped = list.compactMap(scalar)
            return mapped.count == list.count ? mapped : nil
        }
        return scalar(value).map { [$0] }
    }

    /// Whether an `NSNumber` from `JSONSerialization` is a JSON boolean (its own class, on Darwin and Linux alike).
    static func isBoolean(_ number: NSNumber) -> Bool {
        ObjectIdentifier(type(of: number)) == ObjectIdentifier(type(of: NSNumber(value: true)))
    }
}
