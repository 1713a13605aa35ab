/// A policy ready for evaluation: its document, its ``PolicyProgram`` in flat buffers, and a name
/// to explain decisions with. (A class, so that the policies of a request are shared, not copied,
/// and the buffers are freed with it.)
public final class CompiledPolicy: Sendable {
    /// The policy's ARN, or `user/alice/inline-name` for inline policies.
    public let id: String
    public let document: PolicyDocument
    let codes: FlatBuffer<UInt32>
    let bytes: FlatBuffer<UInt8>
    let patterns: FlatBuffer<PatternCode>
    let variables: FlatBuffer<VariableCode>
    let variableKeys: [String]
    let arns: FlatBuffer<ARNCode>
    let conditions: FlatBuffer<ConditionCode>
    let conditionKeys: [String]
    let values: FlatBuffer<ValueCode>
    let numbers: FlatBuffer<Double>
    let networks: FlatBuffer<Network>
    let statements: FlatBuffer<StatementCode>
    let services: FlatBuffer<ServiceCode>
    let statementLists: FlatBuffer<Int>
    let everywhere: (start: Int, count: Int)

    /// Stage 2 of the engine: a parsed document, compiled for evaluation (patterns tokenized and
    /// case-folded, condition keys given slots, condition values parsed), so that deciding
    /// allocates nothing.
    public init(id: String, document: PolicyDocument) {
        self.id = id
        self.document = document
        let program = PolicyProgram(document)
        codes = FlatBuffer(program.codes)
        bytes = FlatBuffer(program.bytes)
        patterns = FlatBuffer(program.patterns)
        variables = FlatBuffer(program.variables)
        variableKeys = program.variableKeys
        arns = FlatBuffer(program.arns)
        conditions = FlatBuffer(program.conditions)
        conditionKeys = program.conditionKeys
        values = FlatBuffer(program.values)
        numbers = FlatBuffer(program.numbers)
        networks = FlatBuffer(program.networks)
        statements = FlatBuffer(program.statements)
        services = FlatBuffer(program.services)
        statementLists = FlatBuffer(program.statementLists)
        everywhere = program.everywhere
    }

    /// Whether deciding reads the request's context keys: only conditions and policy variables do. Without
    /// either, the decision rests on the action, the resource and the principal alone.
    public var readsContext: Bool { !conditionKeys.isEmpty || !variableKeys.isEmpty }

    /// Parses and compiles `text`.
    public convenience init(id: String, text: String, kind: PolicyKind = .identity) throws(PolicyError) {
        self.init(id: id, document: try PolicyParser.parse(text, kind: kind))
    }

    deinit {
        codes.free()
        bytes.free()
        patterns.free()
        variables.free()
        arns.free()
        conditions.free()
        values.free()
        numbers.free()
        networks.free()
        statements.free()
        services.free()
        statementLists.free()
    }

    /// The statements that can match an action of `service`, in document order.
    @inline(__always)
    func candidates(_ service: UnsafeBufferPointer<UInt8>) -> Candidates {
        var specific = (start: 0, count: 0)
        for index in 0..<services.count {
            let entry = services[index]
            if entry.name.count == service.count, Self.startsWith(service[...], bytes.slice(entry.name.start, entry.name.count), foldText: false) {
                specific = entry.list
                break
            }
        }
        return Candidates(
            specific: statementLists.slice(specific.start, specific.count), everywhere: statementLists.slice(everywhere.start, everywhere.count))
    }

    /// Statement indices from two ascending runs, merged.
    struct Candidates: IteratorProtocol {
        let specific: UnsafeBufferPointer<Int>
        let everywhere: UnsafeBufferPointer<Int>
        var a = 0
        var b = 0

        init(specific: UnsafeBufferPointer<Int>, everywhere: UnsafeBufferPointer<Int>) {
            self.specific = specific
            self.everywhere = everywhere
        }

        mutating func next() -> Int? {
            let left = a < specific.count ? specific[a] : Int.max
            let right = b < everywhere.count ? everywhere[b] : Int.max
            if left == Int.max, right == Int.max { return nil }
            if left < right {
                a += 1
                return left
            }
            b += 1
            return right
        }
    }
}
