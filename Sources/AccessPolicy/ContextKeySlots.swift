import Synchronization

/// A process-wide numbering of byte strings, compared as exact bytes (never by Unicode equivalence
/// or by a hash alone), and bounded in entries and in bytes: compiling policies cannot grow it
/// without limit. Past either bound, new strings get no number.
final class ByteNumbering: Sendable {
    private struct State {
        var numbers: [[UInt8]: UInt32] = [:]
        var bytes = 0
    }

    private let state: Mutex<State>
    private let first: UInt32
    private let entryLimit: Int
    private let byteLimit: Int

    init(preset: [[UInt8]] = [], first: UInt32, entryLimit: Int, byteLimit: Int) {
        var state = State()
        for bytes in preset {
            state.numbers[bytes] = first + UInt32(state.numbers.count)
            state.bytes += bytes.count
        }
        self.state = Mutex(state)
        self.first = first
        self.entryLimit = entryLimit
        self.byteLimit = byteLimit
    }

    /// The number of `bytes`, giving it the next one when `register` and there is room.
    func number(_ bytes: [UInt8], register: Bool) -> UInt32? {
        state.withLock { state in
            if let number = state.numbers[bytes] { return number }
            guard register, state.numbers.count < entryLimit, state.bytes + bytes.count <= byteLimit else { return nil }
            let number = first + UInt32(state.numbers.count)
            state.numbers[bytes] = number
            state.bytes += bytes.count
            return number
        }
    }
}

/// Condition keys as small integers, so that a decision finds a key's values by comparing
/// integers instead of hashing strings.
///
/// Compiling a policy registers the keys it names (lower-cased); a request context only looks
/// keys up, so requests cannot grow the table. The global keys are registered first. A key that
/// finds the table full gets no slot and is looked up by name instead.
enum ContextKeySlots {
    /// AWS's global condition keys, lower-cased.
    static let globalKeys = [
        "aws:username", "aws:userid", "aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:sourceip",
        "aws:currenttime", "aws:epochtime", "aws:securetransport", "aws:requestedregion", "aws:viaawsservice",
        "aws:tokenissuetime", "aws:multifactorauthpresent", "aws:multifactorauthage", "aws:sourceidentity", "aws:tagkeys",
    ]

    private static let table = ByteNumbering(preset: globalKeys.map { Array($0.utf8) }, first: 0, entryLimit: 1 << 16, byteLimit: 4 << 20)

    /// The slot of a lower-cased key, registering it if there is room (compilation).
    static func register(_ key: String) -> Int32? {
        table.number(Array(key.utf8), register: true).map { Int32($0) }
    }

    /// The slot of a lower-cased key, if a policy has named it (requests).
    static func slot(_ key: String) -> Int32? {
        table.number(Array(key.utf8), register: false).map { Int32($0) }
    }
}

/// Numbers for the conditions and resource patterns policies share, so that a decision evaluates
/// each distinct one once, however many policies repeat it (``PreparedRequest/remember(_:_:)``).
///
/// An expression's number comes from its whole signature (``Signature``): every field that bears
/// on its result, each prefixed with its length, so two different expressions never share one.
/// When the table is full, expressions get 0: evaluated every time.
enum SharedExpressions {
    private static let table = ByteNumbering(first: 1, entryLimit: 1 << 18, byteLimit: 16 << 20)

    static func number(_ signature: Signature) -> UInt32 {
        table.number(signature.bytes, register: true) ?? 0
    }

    /// An unambiguous encoding of an expression: fields, each as its length then its bytes.
    struct Signature {
        private(set) var bytes: [UInt8] = []

        mutating func add(_ field: some StringProtocol) {
            add(Array(field.utf8))
        }

        mutating func add(_ field: [UInt8]) {
            let count = UInt32(field.count)
            bytes += [UInt8(truncatingIfNeeded: count), UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count >> 16), UInt8(truncatingIfNeeded: count >> 24)]
            bytes += field
        }
    }
}
