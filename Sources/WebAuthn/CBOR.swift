/// A decoded CBOR item (RFC 8949), as much of CBOR as WebAuthn's attestation objects and COSE keys use.
public indirect enum CBOR: Equatable, Sendable {
    case unsigned(UInt64)
    /// A negative integer: the value is `-1 - n` for the encoded `n`, held here as the value itself.
    case negative(Int64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    case map([CBORPair])
    case bool(Bool)
    case null
    case undefined

    /// The value of an integer key or item, when it is one and fits.
    public var integer: Int64? {
        switch self {
        case .unsigned(let value): value <= UInt64(Int64.max) ? Int64(value) : nil
        case .negative(let value): value
        default: nil
        }
    }

    /// The value under `key` in a map.
    public subscript(key: CBOR) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// The value under the text key `key` in a map.
    public subscript(key: String) -> CBOR? { self[.text(key)] }

    /// The value under the integer key `key` in a map (COSE keys use these).
    public subscript(key: Int64) -> CBOR? { self[key >= 0 ? .unsigned(UInt64(key)) : .negative(key)] }
}

/// One key and value of a CBOR map, in the order they were encoded.
public struct CBORPair: Equatable, Sendable {
    public var key: CBOR
    public var value: CBOR
}

/// Why bytes are not the CBOR they should be.
public struct CBORError: Error, Equatable, CustomStringConvertible {
    public let description: String
}

/// Decodes one CBOR item from the front of some bytes and says how many it used; refuses indefinite lengths,
/// tags, floats, nesting deeper than 16 and lengths past the end (what WebAuthn never sends, or an attacker might).
public struct CBORDecoder {
    let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Decodes the item at the current offset and moves past it.
    public mutating func decode() throws(CBORError) -> CBOR {
        try item(depth: 0)
    }

    /// Decodes `bytes` as exactly one item.
    public static func decodeWhole(_ bytes: [UInt8]) throws(CBORError) -> CBOR {
        var decoder = CBORDecoder(bytes)
        let value = try decoder.decode()
        guard decoder.offset == bytes.count else { throw CBORError(description: "trailing bytes after the CBOR item") }
        return value
    }

    mutating func byte() throws(CBORError) -> UInt8 {
        guard offset < bytes.count else { throw CBORError(description: "the CBOR item ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func take(_ count: UInt64) throws(CBORError) -> [UInt8] {
        guard count <= UInt64(bytes.count - offset) else { throw CBORError(description: "a CBOR length runs past the end") }
        let end = offset + Int(count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }

    /// The argument of an initial byte: the value itself, or the 1, 2, 4 or 8 bytes after it.
    mutating func argument(_ info: UInt8) throws(CBORError) -> UInt64 {
        switch info {
        case 0..<24: return UInt64(info)
        case 24...27:
            var value: UInt64 = 0
            for byte in try take(1 << UInt64(info - 24)) { value = value << 8 | UInt64(byte) }
            return value
        default: throw CBORError(description: "indefinite lengths and reserved values are not accepted")
        }
    }

    mutating func item(depth: Int) throws(CBORError) -> CBOR {
        guard depth < 16 else { throw CBORError(description: "CBOR nested too deeply") }
        let initial = try byte()
        let major = initial >> 5
        let info = initial & 0x1F
        switch major {
        case 0: return .unsigned(try argument(info))
        case 1:
            let value = try argument(info)
            guard value <= UInt64(Int64.max) else { throw CBORError(description: "a negative integer out of range") }
            return .negative(-1 - Int64(value))
        case 2: return .bytes(try take(try argument(info)))
        case 3:
            guard let text = String(validating: try take(try argument(info)), as: UTF8.self) else {
                throw CBORError(description: "a CBOR text string is not UTF-8")
            }
            return .text(text)
        case 4:
            let count = try argument(info)
            guard count <= UInt64(bytes.count - offset) else { throw CBORError(description: "a CBOR array longer than its bytes") }
            var items: [CBOR] = []
            for _ in 0..<count { items.append(try item(depth: depth + 1)) }
            return .array(items)
        case 5:
            let count = try argument(info)
            guard count <= UInt64(bytes.count - offset) else { throw CBORError(description: "a CBOR map longer than its bytes") }
            var pairs: [CBORPair] = []
            for _ in 0..<count {
                let key = try item(depth: depth + 1)
                pairs.append(CBORPair(key: key, value: try item(depth: depth + 1)))
            }
            return .map(pairs)
        case 7:
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            case 23: return .undefined
            default: throw CBORError(description: "CBOR floats and simple values are not accepted")
            }
        default: throw CBORError(description: "CBOR tags are not accepted")
        }
    }
}
