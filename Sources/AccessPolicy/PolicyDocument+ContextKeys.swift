import Foundation

extension PolicyDocument {
    /// Every condition key the document uses, in conditions or as policy variables, in first-use order.
    public var contextKeys: [String] {
        var keys: [String] = []
        var seen: Set<String> = []
        func add(_ key: String) {
            if seen.insert(key.lowercased()).inserted { keys.append(key) }
        }
        for statement in statements {
            var texts = statement.resources?.patterns ?? []
            for condition in statement.conditions {
                add(condition.key)
                texts += condition.values
            }
            guard version == .v2012_10_17 else { continue }
            for text in texts { PolicyDocument.variables(in: text).forEach(add) }
        }
        return keys
    }

    /// The keys of the `${...}` variables in a text (not the `${*}` escapes).
    static func variables(in text: String) -> [String] {
        var keys: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            let body = rest[open.upperBound..<close]
            let key = body.split(separator: ",", maxSplits: 1).first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
            if key.contains(":") { keys.append(key) }
            rest = rest[rest.index(after: close)...]
        }
        return keys
    }
}

extension PolicyEvaluator {
    /// The condition keys that statements matching the action and resource need but the context lacks
    /// (the simulator's `MissingContextValues`).
    public static func missingContextKeys(_ policies: [CompiledPolicy], context: RequestContext) -> [String] {
        var missing: [String] = []
        var seen: Set<String> = []
        context.withPrepared { request in
            for policy in policies {
                for (index, statement) in policy.document.statements.enumerated() {
                    guard policy.matchesAction(policy.statements[index], request) else { continue }
                    for condition in statement.conditions where context.values(condition.key) == nil {
                        if seen.insert(condition.key.lowercased()).inserted { missing.append(condition.key) }
                    }
                }
            }
        }
        return missing
    }
}
