/// The compiled form of one policy document: every pattern, condition and statement as plain
/// values in flat tables that refer to each other by index. A decision walks these tables
/// without allocating or reference counting (``CompiledPolicy`` keeps them in ``FlatBuffer``s).
struct PolicyProgram {
    /// Pattern elements, one code each: a byte (0...255), ``PatternCode/one``, ``PatternCode/star``,
    /// or ``PatternCode/variableBase`` + n for the n-th entry of `variables`.
    var codes: [UInt32] = []
    /// Literal bytes: patterns' literal heads, variables' defaults, binary values, service names.
    var bytes: [UInt8] = []
    var patterns: [PatternCode] = []
    var variables: [VariableCode] = []
    /// The lower-cased key of each variable (for keys without a slot).
    var variableKeys: [String] = []
    var arns: [ARNCode] = []
    var conditions: [ConditionCode] = []
    /// The lower-cased key of each condition (for keys without a slot).
    var conditionKeys: [String] = []
    var values: [ValueCode] = []
    var numbers: [Double] = []
    var networks: [Network] = []
    var statements: [StatementCode] = []
    /// Statement indices by the service prefix their actions name, as runs of `statementLists`.
    var services: [ServiceCode] = []
    var statementLists: [Int] = []
    /// The statements whose actions may name any service (`*`, `NotAction`, a wildcard in the
    /// prefix): a run of `statementLists`.
    var everywhere: (start: Int, count: Int) = (0, 0)

    init(_ document: PolicyDocument) {
        let variables = document.version == .v2012_10_17
        var byService: [String: [Int]] = [:]
        var everywhere: [Int] = []
        for (index, statement) in document.statements.enumerated() {
            add(statement, variables: variables)
            let prefixes = statement.actions.patterns.map { $0.split(separator: ":", maxSplits: 1).first.map { String($0).lowercased() } ?? "*" }
            if statement.actions.negated || prefixes.contains(where: { $0.contains("*") || $0.contains("?") }) {
                everywhere.append(index)
            } else {
                for prefix in Set(prefixes) { byService[prefix, default: []].append(index) }
            }
        }
        for (service, list) in byService.sorted(by: { $0.key < $1.key }) {
            services.append(ServiceCode(name: literal(Array(service.utf8)), list: (statementLists.count, list.count)))
            statementLists += list
        }
        self.everywhere = (statementLists.count, everywhere.count)
        statementLists += everywhere
    }

    mutating func add(_ statement: Statement, variables: Bool) {
        let actionStart = patterns.count
        for text in statement.actions.patterns { _ = pattern(text, wildcards: true, variables: false, lowercase: true) }
        var resources = (start: arns.count, count: -1)
        if let set = statement.resources {
            var indices: [Int] = []
            for text in set.patterns { indices.append(arn(text, variables: variables)) }
            resources = (indices.first ?? arns.count, indices.count)
        }
        let conditionStart = conditions.count
        for condition in statement.conditions { add(condition, variables: variables) }
        statements.append(
            StatementCode(
                isDeny: statement.effect == .deny, actions: (actionStart, statement.actions.patterns.count), actionsNegated: statement.actions.negated,
                resources: resources, resourcesNegated: statement.resources?.negated ?? false,
                conditions: (conditionStart, statement.conditions.count)))
    }

    /// Appends bytes to `bytes`; returns their run.
    mutating func literal(_ run: [UInt8]) -> (start: Int, count: Int) {
        bytes += run
        return (bytes.count - run.count, run.count)
    }

    /// Compiles a pattern; returns its index.
    /// - Parameters:
    ///   - wildcards: `*` and `?` are wildcards (`...Like` operators, actions, resources).
    ///   - variables: `${...}` are policy variables (version 2012-10-17); `${*}`, `${?}`, `${$}` are escapes.
    ///   - lowercase: fold the pattern to lower case (case-insensitive comparisons).
    mutating func pattern(_ text: String, wildcards: Bool, variables allowVariables: Bool, lowercase: Bool) -> Int {
        var elements: [UInt32] = []
        let source = Array(text.utf8)
        var index = 0
        func fold(_ byte: UInt8) -> UInt8 { lowercase && byte >= 65 && byte <= 90 ? byte + 32 : byte }
        while index < source.count {
            let byte = source[index]
            if allowVariables, byte == UInt8(ascii: "$"), index + 1 < source.count, source[index + 1] == UInt8(ascii: "{"),
                let close = source[(index + 2)...].firstIndex(of: UInt8(ascii: "}"))
            {
                let body = String(decoding: source[(index + 2)..<close], as: UTF8.self)
                index = close + 1
                switch body {
                case "*", "?", "$": elements.append(UInt32(body.utf8.first!))
                default:
                    let parts = body.split(separator: ",", maxSplits: 1)
                    let key = parts.first.map { String($0).trimmedSpaces.lowercased() } ?? ""
                    var fallback = (start: 0, count: -1)
                    if parts.count == 2 {
                        let text = String(parts[1]).trimmedSpaces
                        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") { fallback = literal(Array(text.dropFirst().dropLast().utf8).map(fold)) }
                    }
                    elements.append(PatternCode.variableBase + UInt32(self.variables.count))
                    self.variables.append(VariableCode(slot: ContextKeySlots.register(key), fallback: fallback))
                    variableKeys.append(key)
                }
                continue
            }
            if wildcards, byte == UInt8(ascii: "*") {
                elements.append(PatternCode.star)
            } else if wildcards, byte == UInt8(ascii: "?") {
                elements.append(PatternCode.one)
            } else {
                elements.append(UInt32(fold(byte)))
            }
            index += 1
        }
        let literalCount = elements.firstIndex { $0 > 255 } ?? elements.count
        let shape: PatternCode.Shape =
            if elements == [PatternCode.star] { .everything }
            else if literalCount == elements.count { .literal }
            else if literalCount == elements.count - 1, elements.last == PatternCode.star { .prefix }
            else { .general }
        let head = literal(elements[..<literalCount].map { UInt8($0) })
        patterns.append(PatternCode(shape: shape, codes: (codes.count, elements.count), head: head))
        codes += elements
        return patterns.count - 1
    }

    /// Compiles an ARN pattern: the whole, and its six segments when it has them (a wildcard in one
    /// of the first five does not reach across a colon; the sixth, the resource, may hold colons).
    mutating func arn(_ text: String, variables: Bool) -> Int {
        let whole = pattern(text, wildcards: true, variables: variables, lowercase: false)
        let parts = ARNCode.segments(text)
        var first = -1
        if parts.count == 6 {
            first = patterns.count
            for part in parts { _ = pattern(String(part), wildcards: true, variables: variables, lowercase: false) }
        }
        var signature = SharedExpressions.Signature()
        for field in ["arn", variables ? "variables" : "literal", text] { signature.add(field) }
        arns.append(ARNCode(whole: whole, firstSegment: first, shared: SharedExpressions.number(signature)))
        return arns.count - 1
    }

    /// Compiles a condition: its key given a slot, its values parsed for the operator.
    mutating func add(_ condition: Condition, variables: Bool) {
        let operation = condition.operation
        let key = condition.key.lowercased()
        let positive = ConditionCode.positive(operation.base)
        let valueStart = values.count
        for text in condition.values {
            let value: ValueCode
            switch positive {
            case .stringEquals, .bool:
                value = ValueCode(kind: .pattern, index: pattern(text, wildcards: false, variables: variables, lowercase: positive == .bool))
            case .stringEqualsIgnoreCase:
                value = ValueCode(kind: .pattern, index: pattern(text, wildcards: false, variables: variables, lowercase: true))
            case .stringLike:
                value = ValueCode(kind: .pattern, index: pattern(text, wildcards: true, variables: variables, lowercase: false))
            case .numericEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
                value = number(Double(text))
            case .dateEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
                value = number(DateText.seconds(text))
            case .ipAddress:
                if let network = Network(cidr: text) {
                    networks.append(network)
                    value = ValueCode(kind: .network, index: networks.count - 1)
                } else {
                    value = ValueCode(kind: .unreadable, index: 0)
                }
            case .arnEquals, .arnLike:
                value = ValueCode(kind: .arn, index: arn(text, variables: variables))
            case .binaryEquals:
                if let decoded = Base64Text.decode(text) {
                    let run = literal(decoded)
                    value = ValueCode(kind: .binary, index: run.start, count: run.count)
                } else {
                    value = ValueCode(kind: .unreadable, index: 0)
                }
            default:
                value = ValueCode(kind: .unreadable, index: 0)
            }
            values.append(value)
        }
        conditions.append(
            ConditionCode(
                base: operation.base, positive: positive, negated: ConditionCode.isNegated(operation.base), ifExists: operation.ifExists,
                qualifier: operation.qualifier, wantsAbsent: condition.values.contains { $0.lowercased() == "true" },
                slot: ContextKeySlots.register(key), values: (valueStart, condition.values.count),
                shared: SharedExpressions.number(Self.signature(condition, key: key, variables: variables))))
        conditionKeys.append(key)
    }

    /// Every field that bears on a condition's result: the operator's parts, the key, each value.
    static func signature(_ condition: Condition, key: String, variables: Bool) -> SharedExpressions.Signature {
        let operation = condition.operation
        var signature = SharedExpressions.Signature()
        for field in ["condition", variables ? "variables" : "literal", operation.qualifier?.rawValue ?? "", operation.base.rawValue] {
            signature.add(field)
        }
        signature.add(operation.ifExists ? "IfExists" : "")
        signature.add(key)
        for value in condition.values { signature.add(value) }
        return signature
    }

    mutating func number(_ parsed: Double?) -> ValueCode {
        guard let parsed else { return ValueCode(kind: .unreadable, index: 0) }
        numbers.append(parsed)
        return ValueCode(kind: .number, index: numbers.count - 1)
    }
}

/// A compiled pattern: a run of `codes`, and how matching can shortcut it.
struct PatternCode {
    /// Most policy patterns are `*`, a literal, or a literal then `*`: those compare bytes only.
    enum Shape {
        case everything, literal, prefix, general
    }

    static let one: UInt32 = 256
    static let star: UInt32 = 257
    static let variableBase: UInt32 = 258

    let shape: Shape
    let codes: (start: Int, count: Int)
    /// The literal bytes before the first wildcard or variable (all of a `.literal` pattern).
    let head: (start: Int, count: Int)
}

/// A policy variable: its key's slot, and the run of `bytes` holding its default (count -1: none).
struct VariableCode {
    let slot: Int32?
    let fallback: (start: Int, count: Int)
}

/// An ARN pattern: the whole pattern, and the first of six consecutive segment patterns (-1: the
/// pattern has no six segments and is matched whole).
struct ARNCode {
    let whole: Int
    let firstSegment: Int
    /// Its number among the patterns policies share (``SharedExpressions``).
    let shared: UInt32

    /// Splits an ARN pattern at its first five colons, skipping colons inside `${...}` variables.
    static func segments(_ text: String) -> [Substring] {
        var parts: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        var inVariable = false
        while index < text.endIndex, parts.count < 5 {
            let character = text[index]
            if character == "$", text[text.index(after: index)...].hasPrefix("{") {
                inVariable = true
            } else if character == "}" {
                inVariable = false
            } else if character == ":", !inVariable {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        parts.append(text[start...])
        return parts
    }
}

/// A compiled condition: the operator's parts, the key's slot, and a run of `values`.
struct ConditionCode {
    let base: ConditionOperator.Base
    /// The operator without its negation (`StringEquals` for `StringNotEquals`).
    let positive: ConditionOperator.Base
    let negated: Bool
    let ifExists: Bool
    let qualifier: ConditionOperator.Qualifier?
    /// `Null`: whether the policy wants the key absent.
    let wantsAbsent: Bool
    let slot: Int32?
    let values: (start: Int, count: Int)
    /// Its number among the conditions policies share (``SharedExpressions``).
    let shared: UInt32

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
}

/// A condition value parsed for its operator: `index` points into the table its kind names
/// (`patterns`, `numbers`, `networks`, `arns`, or a run of `bytes` for binary values).
struct ValueCode {
    enum Kind {
        case pattern, number, network, arn, binary
        /// A value the operator cannot read: it matches nothing.
        case unreadable
    }

    let kind: Kind
    let index: Int
    var count = 0
}

/// A compiled statement: runs of `patterns` (actions), `arns` (resources; count -1 in trust
/// policies, which name none) and `conditions`.
struct StatementCode {
    let isDeny: Bool
    let actions: (start: Int, count: Int)
    let actionsNegated: Bool
    let resources: (start: Int, count: Int)
    let resourcesNegated: Bool
    let conditions: (start: Int, count: Int)
}

/// A service prefix (a run of `bytes`) and the statements that name it (a run of `statementLists`).
struct ServiceCode {
    let name: (start: Int, count: Int)
    let list: (start: Int, count: Int)
}

extension String {
    var trimmedSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
