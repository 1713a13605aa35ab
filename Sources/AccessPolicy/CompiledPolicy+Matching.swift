/// Matching a request against a compiled policy's tables: statements, patterns, ARNs and conditions.
/// Everything here reads flat buffers and the prepared request's bytes, and allocates nothing.
extension CompiledPolicy {
    /// How a statement matched: not at all, or (resource-based policies) naming the account, the role of a
    /// role session, or the principal itself.
    enum Match {
        case none, any, account, role, principal
    }

    /// Whether statement `index` applies to the request.
    func match(_ index: Int, _ request: PreparedRequest, principal: PrincipalIdentity, layer: PolicyLayer) -> Match {
        let statement = statements[index]
        guard matchesAction(statement, request) else { return .none }
        if statement.resources.count >= 0 {
            var hit = false
            for offset in 0..<statement.resources.count
            where matchesResource(statement.resources.start + offset, request) {
                hit = true
                break
            }
            guard hit != statement.resourcesNegated else { return .none }
        }
        var match = Match.any
        if layer == .resource, let principals = document.statements[index].principals {
            let named = Self.principalMatch(principals, principal)
            if principals.negated {
                // A Deny with NotPrincipal applies to a principal with a permissions boundary whatever it names.
                guard !Self.exempts(principals, principal) || (statement.isDeny && principal.hasPermissionsBoundary) else { return .none }
            } else {
                guard named != .none else { return .none }
                match = named
            }
        }
        for offset in 0..<statement.conditions.count where !evaluate(statement.conditions.start + offset, request) { return .none }
        return match
    }

    /// Whether the statement's `Action` (or `NotAction`) covers the request's action.
    @inline(__always)
    func matchesAction(_ statement: StatementCode, _ request: PreparedRequest) -> Bool {
        var hit = false
        for offset in 0..<statement.actions.count where matches(statement.actions.start + offset, request.action[...], request, foldText: false) {
            hit = true
            break
        }
        return hit != statement.actionsNegated
    }

    /// Whether a `Principal` element names the caller itself, the role of a role session, or only its account.
    static func principalMatch(_ principals: PrincipalSet, _ principal: PrincipalIdentity) -> Match {
        if principals.everyone { return .principal }
        var found = Match.none
        for value in principals.principals["AWS"] ?? [] {
            if value == "*" || value == principal.arn { return .principal }
            if let role = principal.roleArn, value == role {
                found = .role
            } else if found == .none, value == principal.accountId || value == "arn:aws:iam::\(principal.accountId):root" {
                found = principal.isRoot ? .principal : .account
            }
        }
        if let service = principal.service, principals.principals["Service"]?.contains(service) == true { return .principal }
        return found
    }

    /// Whether a `NotPrincipal` element leaves the caller out. AWS may check the account, then the role, then the
    /// session, so each must be named: the principal's ARN, its account, and a session's role
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html).
    static func exempts(_ principals: PrincipalSet, _ principal: PrincipalIdentity) -> Bool {
        if principals.everyone { return true }
        if let service = principal.service { return principals.principals["Service"]?.contains(service) == true }
        let named = principals.principals["AWS"] ?? []
        guard named.contains(principal.arn) else { return false }
        guard named.contains(principal.accountId) || named.contains("arn:aws:iam::\(principal.accountId):root") else { return false }
        return principal.roleArn.map { named.contains($0) } ?? true
    }

    // MARK: Patterns

    /// Whether `text` matches pattern `index`; `foldText` compares the text's ASCII letters in lower case.
    @inline(__always)
    func matches(_ index: Int, _ text: Slice<UnsafeBufferPointer<UInt8>>, _ request: PreparedRequest, foldText: Bool) -> Bool {
        let pattern = patterns[index]
        switch pattern.shape {
        case .everything:
            return true
        case .literal:
            return pattern.head.count == text.count && Self.startsWith(text, bytes.slice(pattern.head.start, pattern.head.count), foldText: foldText)
        case .prefix:
            return Self.startsWith(text, bytes.slice(pattern.head.start, pattern.head.count), foldText: foldText)
        case .general:
            return wildcardMatches(pattern, text, request, foldText: foldText)
        }
    }

    /// Whether `text` starts with `head` (`text` folded to lower case when `foldText`).
    @inline(__always)
    static func startsWith(_ text: Slice<UnsafeBufferPointer<UInt8>>, _ head: UnsafeBufferPointer<UInt8>, foldText: Bool) -> Bool {
        guard head.count <= text.count else { return false }
        var position = text.startIndex
        for byte in head {
            let candidate = text[position]
            guard (foldText && candidate >= 65 && candidate <= 90 ? candidate + 32 : candidate) == byte else { return false }
            position += 1
        }
        return true
    }

    /// The two-pointer wildcard algorithm, with backtracking to the last `*`.
    func wildcardMatches(_ pattern: PatternCode, _ text: Slice<UnsafeBufferPointer<UInt8>>, _ request: PreparedRequest, foldText: Bool) -> Bool {
        let codes = codes.slice(pattern.codes.start, pattern.codes.count)
        var token = 0
        var position = text.startIndex
        var starToken = -1
        var starPosition = text.startIndex
        while position < text.endIndex {
            if token < codes.count {
                let code = codes[token]
                if code < 256 {
                    let byte = text[position]
                    if UInt32(foldText && byte >= 65 && byte <= 90 ? byte + 32 : byte) == code {
                        token += 1
                        position += 1
                        continue
                    }
                } else if code == PatternCode.one {
                    token += 1
                    position += 1
                    continue
                } else if code == PatternCode.star {
                    starToken = token
                    starPosition = position
                    token += 1
                    continue
                } else if let length = variablePrefix(Int(code - PatternCode.variableBase), text[position...], request, foldText: foldText) {
                    token += 1
                    position += length
                    continue
                }
            }
            guard starToken >= 0 else { return false }
            token = starToken + 1
            starPosition += 1
            position = starPosition
        }
        while token < codes.count {
            let code = codes[token]
            if code == PatternCode.star {
                token += 1
            } else if code >= PatternCode.variableBase,
                variablePrefix(Int(code - PatternCode.variableBase), text[position...], request, foldText: foldText) == 0
            {
                token += 1
            } else {
                return false
            }
        }
        return true
    }

    /// How many bytes variable `index`'s value covers at the start of `text` (`nil`: it does not
    /// match, or has no value).
    func variablePrefix(_ index: Int, _ text: Slice<UnsafeBufferPointer<UInt8>>, _ request: PreparedRequest, foldText: Bool) -> Int? {
        let variable = variables[index]
        let value: UnsafeBufferPointer<UInt8>
        if let entry = request.entry(slot: variable.slot, key: variableKeys[index]) {
            guard entry.count == 1 else { return nil }
            value = UnsafeBufferPointer(rebasing: request.text(request.values[entry.start]))
        } else {
            guard variable.fallback.count >= 0 else { return nil }
            value = bytes.slice(variable.fallback.start, variable.fallback.count)
        }
        // A case-insensitive comparison folds the request's value too (the pattern's own bytes and a
        // default were folded when compiled).
        guard value.count <= text.count else { return nil }
        var position = text.startIndex
        for byte in value {
            let candidate = text[position]
            guard foldText ? Self.folded(candidate) == Self.folded(byte) : candidate == byte else { return nil }
            position += 1
        }
        return value.count
    }

    @inline(__always)
    static func folded(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte + 32 : byte
    }

    /// Whether the request's resource matches ARN pattern `index` (once per decision for a shared pattern).
    @inline(__always)
    func matchesResource(_ index: Int, _ request: PreparedRequest) -> Bool {
        request.remember(arns[index].shared) { matchesARN(index, request.resource, request.resourceSegments, request) }
    }

    /// Whether an ARN matches ARN pattern `index`, segment by segment when the pattern has six
    /// (`bounds`: where the ARN's segments are, `nil` when it has fewer than six).
    func matchesARN(_ index: Int, _ arn: UnsafeBufferPointer<UInt8>, _ bounds: ARNBounds?, _ request: PreparedRequest) -> Bool {
        let code = arns[index]
        guard code.firstSegment >= 0 else { return matches(code.whole, arn[...], request, foldText: false) }
        if patterns[code.whole].shape == .everything { return true }
        guard let bounds else { return false }
        for segment in 0..<6 where !matches(code.firstSegment + segment, bounds.segment(segment, of: arn), request, foldText: false) {
            return false
        }
        return true
    }

    // MARK: Conditions

    /// Evaluates condition `index`, as
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html defines it.
    @inline(__always)
    func evaluate(_ index: Int, _ request: PreparedRequest) -> Bool {
        request.remember(conditions[index].shared) { evaluateAnew(index, request) }
    }

    func evaluateAnew(_ index: Int, _ request: PreparedRequest) -> Bool {
        let condition = conditions[index]
        let entry = request.entry(slot: condition.slot, key: conditionKeys[index])
        if condition.base == .null { return condition.wantsAbsent == ((entry?.count ?? 0) == 0) }
        guard let entry, entry.count > 0 else {
            if condition.ifExists || condition.qualifier == .forAllValues { return true }
            if condition.qualifier == .forAnyValue { return false }
            // A negated operator on a missing key matches; a positive one does not.
            return condition.negated
        }
        let present = request.values[entry.start..<(entry.start + entry.count)]
        switch condition.qualifier {
        case .forAllValues?:
            return present.allSatisfy { matchesAny(condition, $0, request) != condition.negated }
        case .forAnyValue?:
            return present.contains { matchesAny(condition, $0, request) != condition.negated }
        case nil:
            return present.contains { matchesAny(condition, $0, request) } != condition.negated
        }
    }

    /// Whether one request value matches any of the condition's values under the positive form of its operator.
    func matchesAny(_ condition: ConditionCode, _ value: ContextValue, _ request: PreparedRequest) -> Bool {
        let positive = condition.positive
        for offset in 0..<condition.values.count {
            let policyValue = values[condition.values.start + offset]
            switch policyValue.kind {
            case .pattern:
                let fold = positive == .stringEqualsIgnoreCase || positive == .bool
                if matches(policyValue.index, request.text(value), request, foldText: fold) { return true }
            case .number:
                let reading = positive == .numericEquals || positive == .numericLessThan || positive == .numericLessThanEquals
                    || positive == .numericGreaterThan || positive == .numericGreaterThanEquals ? value.number : value.date
                if let reading, Self.order(positive, reading, numbers[policyValue.index]) { return true }
            case .network:
                if let address = value.address, networks[policyValue.index].contains(address) { return true }
            case .arn:
                let arn = UnsafeBufferPointer(rebasing: request.text(value))
                if matchesARN(policyValue.index, arn, ARNBounds(arn), request) { return true }
            case .binary:
                if Base64Text.decodes(request.text(value), to: bytes.slice(policyValue.index, policyValue.count)) { return true }
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
