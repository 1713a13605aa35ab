/// What a decision is about: who asks, to do what, on which resource, with which condition keys.
///
/// Condition keys are case-insensitive; they are stored lower-cased. Everything a decision reads
/// is prepared here, once per request, as flat arrays: the action's bytes in lower case, the
/// resource's bytes and segment bounds, and each key's values by slot (``ContextKeySlots``), as
/// bytes with their readings as number, date and IP address (so that a decision allocates nothing).
public struct RequestContext: Sendable {
    /// `iam:CreateUser`.
    public var action: String {
        didSet { (actionBytes, serviceCount) = RequestContext.prepare(action: action) }
    }
    /// The resource ARN (`*` for actions that name no resource).
    public var resource: String {
        didSet { (resourceBytes, resourceSegments) = RequestContext.prepare(resource: resource) }
    }
    /// The account that owns the resource, for a resource whose ARN names no account (`arn:aws:sso:::permissionSet/...`,
    /// an S3 bucket); `nil`: the ARN's own account, if any.
    public var resourceAccount: String?
    /// The action's UTF-8 bytes in lower case (actions compare case-insensitively); the first
    /// `serviceCount` of them are its service prefix.
    private(set) var actionBytes: [UInt8] = []
    private(set) var serviceCount = 0
    private(set) var resourceBytes: [UInt8] = []
    /// Where the resource's first five colons are (`nil`: it has fewer).
    private(set) var resourceSegments: ARNBounds?
    /// The slots of the keys present, and each one's run of `values` at the same index.
    private(set) var slots: [Int32] = []
    private(set) var entries: [ContextEntry] = []
    /// Keys no compiled policy had named when they were set, by lower-cased name.
    private(set) var unslotted: [String: ContextEntry] = [:]
    private(set) var values: [ContextValue] = []
    private(set) var bytes: [UInt8] = []

    public init(action: String, resource: String, keys: [String: [String]] = [:]) {
        self.action = action
        self.resource = resource
        (actionBytes, serviceCount) = RequestContext.prepare(action: action)
        (resourceBytes, resourceSegments) = RequestContext.prepare(resource: resource)
        // Room for the global keys a request sets and their text, so that filling them does not regrow the arrays.
        slots.reserveCapacity(Self.expectedKeys)
        entries.reserveCapacity(Self.expectedKeys)
        values.reserveCapacity(Self.expectedKeys)
        bytes.reserveCapacity(Self.expectedBytes)
        for (key, values) in keys { set(key, values) }
    }

    /// Makes room for the keys a request adds to a copy of a context kept for reuse (a copy shares
    /// its arrays until the first change, and would copy them without room to grow).
    public mutating func reserveForRequest() {
        slots.reserveCapacity(Self.expectedKeys)
        entries.reserveCapacity(Self.expectedKeys)
        values.reserveCapacity(Self.expectedKeys)
        bytes.reserveCapacity(Self.expectedBytes)
    }

    /// The same context in arrays just large enough, to keep (a new context reserves room for a whole request).
    public func compacted() -> RequestContext {
        var copy = self
        copy.slots = slots.map { $0 }
        copy.entries = entries.map { $0 }
        copy.values = values.map { $0 }
        copy.bytes = bytes.map { $0 }
        return copy
    }

    /// The values of a key, if present.
    public func values(_ key: String) -> [String]? {
        let key = ContextKey(key)
        let entry = key.slot.flatMap { slot in slots.firstIndex(of: slot).map { entries[$0] } } ?? unslotted[key.name]
        return entry.map { entry in
            values[entry.start..<(entry.start + entry.count)].map { String(decoding: bytes[$0.start..<($0.start + $0.count)], as: UTF8.self) }
        }
    }

    public mutating func set(_ key: String, _ texts: [String]) {
        set(ContextKey(key), texts)
    }

    public mutating func set(_ key: ContextKey, _ text: String) {
        let entry = ContextEntry(start: values.count, count: 1)
        append(text)
        place(entry, at: key)
    }

    public mutating func set(_ key: ContextKey, _ texts: [String]) {
        let entry = ContextEntry(start: values.count, count: texts.count)
        for text in texts { append(text) }
        place(entry, at: key)
    }

    private mutating func append(_ text: String) {
        values.append(ContextValue(text, start: bytes.count))
        bytes += text.utf8
    }

    private mutating func place(_ entry: ContextEntry, at key: ContextKey) {
        guard let slot = key.slot else {
            unslotted[key.name] = entry
            return
        }
        if let index = slots.firstIndex(of: slot) {
            entries[index] = entry
        } else {
            slots.append(slot)
            entries.append(entry)
        }
    }

    /// Lends the prepared request to `body`, as plain pointers.
    func withPrepared<Result>(_ body: (PreparedRequest) -> Result) -> Result {
        actionBytes.withUnsafeBufferPointer { action in
            resourceBytes.withUnsafeBufferPointer { resource in
                slots.withUnsafeBufferPointer { slots in
                    entries.withUnsafeBufferPointer { entries in
                        values.withUnsafeBufferPointer { values in
                            bytes.withUnsafeBufferPointer { bytes in
                                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: PreparedRequest.memoSize) { memo in
                                    memo.initialize(repeating: 0)
                                    return body(
                                        PreparedRequest(
                                            action: action, service: UnsafeBufferPointer(rebasing: action[..<serviceCount]), resource: resource,
                                            resourceSegments: resourceSegments, slots: slots, entries: entries, unslotted: unslotted, values: values,
                                            bytes: bytes, memo: memo.baseAddress!))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static let expectedKeys = 24
    static let expectedBytes = 512

    static func prepare(action: String) -> ([UInt8], Int) {
        let bytes = action.utf8.allSatisfy { $0 < 0x80 }
            ? action.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
            : Array(action.lowercased().utf8)
        return (bytes, bytes.firstIndex(of: UInt8(ascii: ":")) ?? bytes.count)
    }

    static func prepare(resource: String) -> ([UInt8], ARNBounds?) {
        let bytes = Array(resource.utf8)
        return (bytes, bytes.withUnsafeBufferPointer { ARNBounds($0) })
    }
}

/// A key's values in a request: a run of ``RequestContext``'s values.
struct ContextEntry {
    let start: Int
    let count: Int
}

/// A condition key as a request context files it: the name lower-cased and its slot, found once.
///
/// Keep one for a key set on every request (the global keys, whose slots never change). A key
/// that had no slot when this was made is filed by name, where decisions still find it.
public struct ContextKey: Sendable {
    let name: String
    let slot: Int32?

    public init(_ name: String) {
        self.name = name.lowercased()
        slot = ContextKeySlots.slot(self.name)
    }
}

/// One value of a condition key: a run of ``RequestContext``'s bytes, and what it reads as.
struct ContextValue {
    let start: Int
    let count: Int
    /// The value as a number (`NumericEquals`...) and as a date in seconds (`DateEquals`...).
    let number: Double?
    let date: Double?
    /// The value as an IP address (`IpAddress`).
    let address: IPAddress?

    /// Reads the value; each reading is tried only when one pass over its bytes finds it possible: most
    /// values (ARNs, names, `true`) are none of these, and a date or an address is not a number.
    init(_ text: String, start: Int) {
        self.start = start
        var dots = 0
        var colons = 0
        var addressBytes = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") { dots += 1 } else if byte == UInt8(ascii: ":") { colons += 1 }
            if IPAddress.mayContain(byte) { addressBytes += 1 }
        }
        count = text.utf8.count
        let first = text.utf8.first ?? 0
        let digit = first >= 48 && first <= 57
        // Swift reads numbers that start with a digit, a sign or a point, and `inf`, `infinity`, `nan` and `snan`;
        // none has a colon or two points.
        let numeric = digit || first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
            || first | 0x20 == UInt8(ascii: "i") || first | 0x20 == UInt8(ascii: "n") || first | 0x20 == UInt8(ascii: "s")
        number = numeric && dots <= 1 && colons == 0 ? Double(text) : nil
        // ISO 8601 dates start with the year; other dates are epoch seconds (read above, if at all).
        date = number ?? (digit ? DateText.iso8601(text) : nil)
        // An address is hex digits with three points (IPv4) or at least two colons (IPv6).
        address = addressBytes == count && (dots == 3 || colons >= 2) ? IPAddress(text) : nil
    }
}

/// The positions of an ARN's first five colons, which bound its six segments.
struct ARNBounds {
    let colons: (Int, Int, Int, Int, Int)

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var found = (0, 0, 0, 0, 0)
        var count = 0
        var index = 0
        while index < bytes.count, count < 5 {
            if bytes[index] == UInt8(ascii: ":") {
                switch count {
                case 0: found.0 = index
                case 1: found.1 = index
                case 2: found.2 = index
                case 3: found.3 = index
                default: found.4 = index
                }
                count += 1
            }
            index += 1
        }
        guard count == 5 else { return nil }
        colons = found
    }

    /// Segment `index` (0...5) of `bytes`.
    @inline(__always)
    func segment(_ index: Int, of bytes: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>> {
        switch index {
        case 0: bytes[0..<colons.0]
        case 1: bytes[(colons.0 + 1)..<colons.1]
        case 2: bytes[(colons.1 + 1)..<colons.2]
        case 3: bytes[(colons.2 + 1)..<colons.3]
        case 4: bytes[(colons.3 + 1)..<colons.4]
        default: bytes[(colons.4 + 1)...]
        }
    }
}

/// A request as a decision reads it: ``RequestContext``'s arrays lent as pointers.
struct PreparedRequest {
    let action: UnsafeBufferPointer<UInt8>
    let service: UnsafeBufferPointer<UInt8>
    let resource: UnsafeBufferPointer<UInt8>
    let resourceSegments: ARNBounds?
    let slots: UnsafeBufferPointer<Int32>
    let entries: UnsafeBufferPointer<ContextEntry>
    let unslotted: [String: ContextEntry]
    let values: UnsafeBufferPointer<ContextValue>
    let bytes: UnsafeBufferPointer<UInt8>
    /// What this decision already found for shared expressions: a small direct-mapped table of
    /// `number << 1 | result` (on the stack, for the length of one decision).
    let memo: UnsafeMutablePointer<UInt32>
    static let memoSize = 64

    /// The result of shared expression `number`, computed by `evaluate` the first time a decision
    /// meets it (number 0: not shared, always evaluated).
    @inline(__always)
    func remember(_ number: UInt32, _ evaluate: () -> Bool) -> Bool {
        guard number != 0 else { return evaluate() }
        let cell = memo + Int(number % UInt32(Self.memoSize))
        if cell.pointee >> 1 == number { return cell.pointee & 1 == 1 }
        let result = evaluate()
        cell.pointee = number << 1 | (result ? 1 : 0)
        return result
    }

    /// A key's values: by slot when the key has one, by name otherwise (a key registered after the
    /// context was built, or past the slot table's capacity).
    @inline(__always)
    func entry(slot: Int32?, key: @autoclosure () -> String) -> ContextEntry? {
        if let slot {
            var index = 0
            while index < slots.count {
                if slots[index] == slot { return entries[index] }
                index += 1
            }
        }
        return unslotted.isEmpty ? nil : unslotted[key()]
    }

    /// The bytes of a value.
    @inline(__always)
    func text(_ value: ContextValue) -> Slice<UnsafeBufferPointer<UInt8>> {
        bytes[value.start..<(value.start + value.count)]
    }
}
