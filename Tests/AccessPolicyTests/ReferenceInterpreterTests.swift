import AccessPolicy
import Foundation
import PropertyBased
import Testing

/// The engine against a plain reference interpreter written separately (regular expressions for
/// wildcards, no shortcuts), on generated policies and requests.
struct ReferenceInterpreterTests {
    @Test func engineAgreesWithReferenceInterpreter() async {
        await propertyCheck(count: 2000, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var random = SplitMix(seed: UInt64(seed))
            let identity = (0..<random.next(3) + 1).map { _ in GeneratedPolicy(random: &random) }
            let boundary = random.next(3) == 0 ? [GeneratedPolicy(random: &random)] : nil
            let request = GeneratedRequest(random: &random)
            let compiled = identity.enumerated().map { try! CompiledPolicy(id: "p\($0.offset)", text: $0.element.json) }
            let compiledBoundary = boundary?.map { try! CompiledPolicy(id: "b", text: $0.json) }
            let decision = PolicyEvaluator.evaluate(
                PolicySet(identity: compiled, permissionsBoundary: compiledBoundary),
                context: RequestContext(action: request.action, resource: request.resource, keys: request.keys),
                principal: PrincipalIdentity(arn: "arn:aws:iam::111122223333:user/alice", accountId: "111122223333", isRoot: false))
            let expected = Reference.decide(identity: identity, boundary: boundary, request: request)
            #expect(decision.outcome == expected, "policies: \(identity.map(\.json)) boundary: \(boundary?.map(\.json) ?? []) request: \(request)")
            // A set that reads no context keys decides the same without them (the authorizer then skips them).
            let set = PolicySet(identity: compiled, permissionsBoundary: compiledBoundary)
            if !set.readsContext {
                let bare = PolicyEvaluator.evaluate(
                    set, context: RequestContext(action: request.action, resource: request.resource),
                    principal: PrincipalIdentity(arn: "arn:aws:iam::111122223333:user/alice", accountId: "111122223333", isRoot: false))
                #expect(bare.outcome == expected, "without keys: \(identity.map(\.json)) request: \(request)")
            }
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failing seed reproduces.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }

    mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }
}

struct GeneratedCondition {
    var operation: String
    var key: String
    var values: [String]
}

struct GeneratedStatement {
    var allow: Bool
    var notAction: Bool
    var actions: [String]
    var notResource: Bool
    var resources: [String]
    var conditions: [GeneratedCondition]
}

struct GeneratedPolicy {
    static let actionPatterns = ["*", "s3:*", "s3:Get*", "s3:GetObject", "iam:?etUser", "iam:List*", "IAM:getuser", "ec2:Run*Instances"]
    static let resourcePatterns = [
        "*", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/${aws:username}/*", "arn:aws:iam::111122223333:user/a*",
        "arn:aws:iam::*:user/${aws:username}", "arn:aws:s3:::bucket/alice/?ey", "arn:aws:ec2:*:*:instance/*",
    ]
    static let conditions: [GeneratedCondition] = [
        .init(operation: "StringEquals", key: "aws:username", values: ["alice"]),
        .init(operation: "StringNotEquals", key: "aws:username", values: ["bob", "carol"]),
        .init(operation: "StringLike", key: "aws:username", values: ["a*"]),
        .init(operation: "StringEqualsIgnoreCase", key: "aws:username", values: ["ALICE"]),
        .init(operation: "StringEqualsIfExists", key: "aws:PrincipalTag/team", values: ["blue"]),
        .init(operation: "Bool", key: "aws:MultiFactorAuthPresent", values: ["true"]),
        .init(operation: "BoolIfExists", key: "aws:MultiFactorAuthPresent", values: ["false"]),
        .init(operation: "NumericLessThan", key: "aws:MultiFactorAuthAge", values: ["3600"]),
        .init(operation: "IpAddress", key: "aws:SourceIp", values: ["10.0.0.0/8"]),
        .init(operation: "NotIpAddress", key: "aws:SourceIp", values: ["10.0.0.0/8"]),
        .init(operation: "Null", key: "aws:PrincipalTag/team", values: ["true"]),
        .init(operation: "ForAnyValue:StringEquals", key: "aws:TagKeys", values: ["Owner"]),
        .init(operation: "ForAllValues:StringLike", key: "aws:TagKeys", values: ["Own*", "Proj*"]),
    ]

    var statements: [GeneratedStatement] = []

    init(random: inout SplitMix) {
        for _ in 0..<(random.next(3) + 1) {
            statements.append(
                GeneratedStatement(
                    allow: random.next(4) != 0, notAction: random.next(6) == 0,
                    actions: (0..<(random.next(2) + 1)).map { _ in random.pick(Self.actionPatterns) },
                    notResource: random.next(8) == 0,
                    resources: (0..<(random.next(2) + 1)).map { _ in random.pick(Self.resourcePatterns) },
                    conditions: random.next(2) == 0 ? [] : (0..<(random.next(2) + 1)).map { _ in random.pick(Self.conditions) }))
        }
    }

    var json: String {
        let statements = statements.map { statement -> [String: Any] in
            var object: [String: Any] = ["Effect": statement.allow ? "Allow" : "Deny"]
            object[statement.notAction ? "NotAction" : "Action"] = statement.actions
            object[statement.notResource ? "NotResource" : "Resource"] = statement.resources
            if !statement.conditions.isEmpty {
                var block: [String: [String: [String]]] = [:]
                for condition in statement.conditions { block[condition.operation, default: [:]][condition.key] = condition.values }
                object["Condition"] = block
            }
            return object
        }
        let data = try! JSONSerialization.data(withJSONObject: ["Version": "2012-10-17", "Statement": statements], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

struct GeneratedRequest: CustomStringConvertible {
    var action: String
    var resource: String
    var keys: [String: [String]]

    init(random: inout SplitMix) {
        action = random.pick(["s3:GetObject", "s3:PutObject", "iam:GetUser", "iam:ListUsers", "ec2:RunInstances"])
        resource = random.pick([
            "arn:aws:s3:::bucket/alice/key", "arn:aws:s3:::bucket/bob/key", "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:user/bob", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", "*",
        ])
        keys = [:]
        if random.next(4) != 0 { keys["aws:username"] = [random.pick(["alice", "bob"])] }
        if random.next(2) == 0 { keys["aws:MultiFactorAuthPresent"] = [random.pick(["true", "false"])] }
        if random.next(2) == 0 { keys["aws:MultiFactorAuthAge"] = [random.pick(["60", "7200"])] }
        if random.next(2) == 0 { keys["aws:PrincipalTag/team"] = [random.pick(["blue", "red"])] }
        if random.next(2) == 0 { keys["aws:SourceIp"] = [random.pick(["10.1.2.3", "192.0.2.1"])] }
        if random.next(2) == 0 { keys["aws:TagKeys"] = Array(["Owner", "Project", "Cost"].prefix(random.next(3) + 1)) }
    }

    var description: String { "\(action) on \(resource) with \(keys)" }
}

/// The reference: the evaluation logic written out plainly, wildcards as regular expressions.
enum Reference {
    static func decide(identity: [GeneratedPolicy], boundary: [GeneratedPolicy]?, request: GeneratedRequest) -> Decision.Outcome {
        let identityEffects = identity.flatMap { $0.statements }.filter { matches($0, request) }
        let boundaryEffects = boundary?.flatMap { $0.statements }.filter { matches($0, request) }
        if identityEffects.contains(where: { !$0.allow }) || (boundaryEffects?.contains(where: { !$0.allow }) ?? false) { return .explicitDeny }
        if let boundaryEffects, !boundaryEffects.contains(where: \.allow) { return .implicitDeny }
        return identityEffects.contains(where: \.allow) ? .allow : .implicitDeny
    }

    static func matches(_ statement: GeneratedStatement, _ request: GeneratedRequest) -> Bool {
        let actionHit = statement.actions.contains { glob($0, request.action, ignoreCase: true) }
        if actionHit == statement.notAction { return false }
        let resourceHit = statement.resources.contains { pattern in
            guard let resolved = substitute(pattern, request) else { return false }
            return arn(resolved, request.resource)
        }
        if resourceHit == statement.notResource { return false }
        return statement.conditions.allSatisfy { condition($0, request) }
    }

    static func substitute(_ pattern: String, _ request: GeneratedRequest) -> String? {
        guard pattern.contains("${aws:username}") else { return pattern }
        guard let name = request.keys["aws:username"]?.first else { return nil }
        return pattern.replacingOccurrences(of: "${aws:username}", with: name)
    }

    static func glob(_ pattern: String, _ text: String, ignoreCase: Bool) -> Bool {
        var regex = "^"
        for character in pattern {
            switch character {
            case "*": regex += ".*"
            case "?": regex += "."
            default: regex += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        regex += "$"
        let expression = try! NSRegularExpression(pattern: regex, options: ignoreCase ? [.caseInsensitive, .dotMatchesLineSeparators] : [.dotMatchesLineSeparators])
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func arn(_ pattern: String, _ resource: String) -> Bool {
        if pattern == "*" { return true }
        let p = pattern.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        let r = resource.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard p.count == 6, r.count == 6 else { return glob(pattern, resource, ignoreCase: false) }
        return zip(p, r).allSatisfy { glob($0, $1, ignoreCase: false) }
    }

    static func condition(_ condition: GeneratedCondition, _ request: GeneratedRequest) -> Bool {
        let values = request.keys[condition.key]
        switch condition.operation {
        case "StringEquals": return values?.contains { condition.values.contains($0) } ?? false
        case "StringNotEquals": return !(values?.contains { condition.values.contains($0) } ?? false)
        case "StringLike": return values?.contains { value in condition.values.contains { glob($0, value, ignoreCase: false) } } ?? false
        case "StringEqualsIgnoreCase": return values?.contains { value in condition.values.contains { $0.lowercased() == value.lowercased() } } ?? false
        case "StringEqualsIfExists": return values.map { $0.contains { condition.values.contains($0) } } ?? true
        case "Bool": return values?.contains { condition.values.contains($0) } ?? false
        case "BoolIfExists": return values.map { $0.contains { condition.values.contains($0) } } ?? true
        case "NumericLessThan": return values?.contains { Double($0)! < Double(condition.values[0])! } ?? false
        case "IpAddress": return values?.contains { $0.hasPrefix("10.") } ?? false
        case "NotIpAddress": return !(values?.contains { $0.hasPrefix("10.") } ?? false)
        case "Null": return (values == nil) == (condition.values[0] == "true")
        case "ForAnyValue:StringEquals": return values?.contains { condition.values.contains($0) } ?? false
        case "ForAllValues:StringLike":
            return values?.allSatisfy { value in condition.values.contains { glob($0, value, ignoreCase: false) } } ?? true
        default: fatalError("no reference for \(condition.operation)")
        }
    }
}
