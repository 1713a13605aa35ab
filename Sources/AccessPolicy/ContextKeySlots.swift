import Synchronization

/// A process-wide numbering of keys compared exactly (bytes, never Unicode equivalence or a hash
/// alone), bounded in entries and in bytes: compiling policies cannot grow it without limit. Past
/// either bound, new keys get no number.
final class ExactNumbering<Key: Hashable & Sendable>: Sendable {
    private struct State {
        var numbers: [Key: UInt32] = [:]
        var bytes = 0
    }

    private let state: Mutex<State>
    private let first: UInt32
    private let entryLimit: Int
    private let byteLimit: Int

    init(preset: [(key: Key, size: Int)] = [], first: UInt32, entryLimit: Int, byteLimit: Int) {
        var state = State()
        for (key, size) in preset {
            state.numbers[key] = first + UInt32(state.numbers.count)
            state.bytes += size
        }
        self.state = Mutex(state)
        self.first = first
        self.entryLimit = entryLimit
        self.byteLimit = byteLimit
    }

    /// The number of `key` (`size` bytes long), giving it the next one when `register` and there is room.
    func number(_ key: Key, size: Int, register: Bool) -> UInt32? {
        state.withLock { state in
            if let number = state.numbers[key] { return number }
            guard register, state.numbers.count < entryLimit, state.bytes + size <= byteLimit else { return nil }
            let number = first + UInt32(state.numbers.count)
            state.numbers[key] = number
            state.bytes += size
            return number
        }
    }
}

/// A string compared and hashed by its UTF-8 bytes (`"é"` precomposed and `"e\u{301}"` differ), without copying them.
struct ExactText: Hashable, Sendable {
    let text: String

    static func == (a: ExactText, b: ExactText) -> Bool {
        a.text.utf8.elementsEqual(b.text.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
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

    private static let table = ExactNumbering(
        preset: globalKeys.map { (ExactText(text: $0), $0.utf8.count) }, first: 0, entryLimit: 1 << 16, byteLimit: 4 << 20)

    /// The slot of a lower-cased key, registering it if there is room (compilation).
    static func register(_ key: String) -> Int32? {
        table.number(ExactText(text: key), size: key.utf8.count, register: true).map { Int32($0) }
    }

    /// The slot of a lower-cased key, if a policy has named it (requests).
    static func slot(_ key: String) -> Int32? {
        table.number(ExactText(text: key), size: key.utf8.count, register: false).map { Int32($0) }
    }
}

/// Numbers for the conditions and resource patterns policies share, so that a decision evaluates
/// each distinct one once, however many policies repeat it (``PreparedRequest/remember(_:_:)``).
///
/// An expression's number comes from its whole signature (``Signature``): every field that bears
/// on its result, each prefixed with its length, so two different expressions never share one.
/// When the table is full, expressions get 0: evaluated every time.
enum SharedExpressions {
    private static let table = ExactNumbering<[UInt8]>(first: 1, entryLimit: 1 << 18, byteLimit: 16 << 20)

    static func number(_ signature: Signature) -> UInt32 {
        table.number(signature.bytes, size: signature.bytes.count, register: true) ?? 0
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
