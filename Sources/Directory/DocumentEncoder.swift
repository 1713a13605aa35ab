import AWSWire
import Foundation

/// Writes an `Encodable` value as JSON in one pass, as the type's `encode(to:)` produces it: how documents are
/// stored. Dates are seconds since 1970 and `Data` is base64, as `JSONDecoder` reads them back.
///
/// Foundation's `JSONEncoder` builds a tree of boxed values and then writes it out (about 20 µs for a user).
/// Here each container writes straight into one buffer: an object or array is opened when a value asks for
/// its container and closed when the value's `encode(to:)` returns or its parent writes its next element.
/// Keys appear in the order the type encodes them. Uses of the `Encoder` API that one pass cannot follow (a
/// super encoder, a second container or value for one value, writing to a container after its parent has
/// moved on, a type that hands itself to a single-value container), and values JSON cannot carry as
/// `JSONDecoder` would read them (a non-finite number, a `URL`, a `Decimal`), throw.
final class DocumentEncoder: Encoder {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    private(set) var bytes: [UInt8] = []
    /// An object or array being written.
    private struct OpenContainer {
        var id: Int
        var object: Bool
        /// Whether it has no element yet.
        var empty = true
    }

    /// The open containers, innermost last.
    private var open: [OpenContainer] = []
    /// How many containers were open when the value being encoded began: containers it opens sit above.
    private var valueDepth = 0
    /// Where the value being encoded began in `bytes`: a container or single value it writes must start there.
    private var valueStart = 0
    /// The type whose `encode(to:)` is running: one that hands itself to a single-value container would
    /// come straight back.
    private var valueType: Any.Type?
    private var nextId = 0
    /// Set when a use of the API cannot be followed by a call that cannot throw; the next write throws.
    private var unsupported: String?

    /// The JSON text of `value`.
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = DocumentEncoder()
        encoder.bytes.reserveCapacity(256)
        try encoder.encodeValue(value)
        if let unsupported = encoder.unsupported { throw Self.failure(unsupported) }
        return String(decoding: encoder.bytes, as: UTF8.self)
    }

    static func failure(_ what: String) -> EncodingError {
        EncodingError.invalidValue(what, .init(codingPath: [], debugDescription: "A document cannot hold \(what)."))
    }

    // MARK: Values

    /// Writes one value: a scalar directly, anything else through its `encode(to:)`. Scalars are told apart by
    /// their type, which costs nothing once specialized, rather than by casts, which every container would pay.
    func encodeValue<T: Encodable>(_ value: T) throws {
        if T.self == String.self {
            JSONWriter.appendString(value as! String, into: &bytes)
        } else if T.self == Date.self {
            try appendNumber((value as! Date).timeIntervalSince1970)
        } else if T.self == Bool.self {
            bytes += ((value as! Bool) ? "true" : "false").utf8
        } else if T.self == Int.self {
            bytes += String(value as! Int).utf8
        } else if T.self == Double.self {
            try appendNumber(value as! Double)
        } else if T.self == Float.self {
            let number = value as! Float
            guard number.isFinite else { throw Self.failure("a non-finite number") }
            bytes += String(number).utf8
        } else if Self.integerTypes.contains(where: { $0 == T.self }) {
            bytes += String(describing: value).utf8
        } else if T.self == Data.self {
            JSONWriter.appendString((value as! Data).base64EncodedString(), into: &bytes)
        } else if T.self == URL.self || T.self == Decimal.self {
            throw Self.failure("a \(T.self)")
        } else {
            let outer = (valueDepth, valueStart, valueType)
            valueDepth = open.count
            valueStart = bytes.count
            valueType = T.self
            defer { (valueDepth, valueStart, valueType) = outer }
            try value.encode(to: self)
            if let unsupported { throw Self.failure(unsupported) }
            if open.count > valueDepth {
                close(above: valueDepth)
            } else if bytes.count == valueStart {
                bytes += "{}".utf8  // A value that encoded nothing, as JSONEncoder writes it.
            }
        }
    }

    private static let integerTypes: [any Any.Type] = [
        Int8.self, Int16.self, Int32.self, Int64.self, UInt.self, UInt8.self, UInt16.self, UInt32.self, UInt64.self,
    ]

    func appendNumber(_ number: Double) throws {
        guard number.isFinite else { throw Self.failure("a non-finite number") }
        bytes += String(number).utf8
    }

    // MARK: Containers

    /// Opens an object or array for the value being encoded: its first and only output.
    private func openContainer(object: Bool) -> (level: Int, id: Int) {
        guard open.count == valueDepth, bytes.count == valueStart else {
            // JSONEncoder merges a second keyed container into the first; one pass could only repeat keys.
            unsupported = unsupported ?? "a second container or value for one value"
            return (valueDepth, -1)
        }
        return push(object: object)
    }

    private func push(object: Bool) -> (level: Int, id: Int) {
        bytes.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        nextId += 1
        open.append(OpenContainer(id: nextId, object: object))
        return (open.count - 1, nextId)
    }

    /// Closes every container above `level`.
    private func close(above level: Int) {
        while open.count > level {
            bytes.append(open.removeLast().object ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }
    }

    /// Readies the container at `level` for its next element: closes what its earlier elements left open
    /// and writes the separator. Throws when the container itself was closed.
    func beginElement(level: Int, id: Int) throws {
        if let unsupported { throw Self.failure(unsupported) }
        guard level < open.count, open[level].id == id else { throw Self.failure("a write to a container after its parent moved on") }
        close(above: level + 1)
        if open[level].empty {
            open[level].empty = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
    }

    func beginMember(_ key: some CodingKey, level: Int, id: Int) throws {
        try beginElement(level: level, id: id)
        JSONWriter.appendString(key.stringValue, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Opens a container as the element just begun.
    func nested(object: Bool) -> (level: Int, id: Int) {
        push(object: object)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let (level, id) = openContainer(object: true)
        return KeyedEncodingContainer(KeyedWriter<Key>(encoder: self, level: level, id: id))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let (level, id) = openContainer(object: false)
        return UnkeyedWriter(encoder: self, level: level, id: id)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueWriter(encoder: self)
    }

    /// Readies a single value for the value being encoded: its first and only output, and not the value itself.
    func beginSingleValue(_ type: Any.Type) throws {
        if let unsupported { throw Self.failure(unsupported) }
        guard open.count == valueDepth, bytes.count == valueStart else { throw Self.failure("a second container or value for one value") }
        guard type != valueType else { throw Self.failure("a \(type) that encodes itself") }
    }

    /// The members of one object.
    struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: DocumentEncoder
        let level: Int
        let id: Int
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws {
            try encoder.beginMember(key, level: level, id: id)
            encoder.bytes += "null".utf8
        }

        mutating func encode(_ value: String, forKey key: Key) throws {
            try encoder.beginMember(key, level: level, id: id)
            JSONWriter.appendString(value, into: &encoder.bytes)
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try encoder.beginMember(key, level: level, id: id)
            try encoder.encodeValue(value)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let (level, id) = encoder.nestedElement(object: true) { try encoder.beginMember(key, level: self.level, id: self.id) }
            return KeyedEncodingContainer(KeyedWriter<NestedKey>(encoder: encoder, level: level, id: id))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let (level, id) = encoder.nestedElement(object: false) { try encoder.beginMember(key, level: self.level, id: self.id) }
            return UnkeyedWriter(encoder: encoder, level: level, id: id)
        }

        mutating func superEncoder() -> any Encoder { encoder.refuseSuperEncoder() }
        mutating func superEncoder(forKey key: Key) -> any Encoder { encoder.refuseSuperEncoder() }
    }

    /// The elements of one array.
    struct UnkeyedWriter: UnkeyedEncodingContainer {
        let encoder: DocumentEncoder
        let level: Int
        let id: Int
        var codingPath: [any CodingKey] { [] }
        private(set) var count = 0

        init(encoder: DocumentEncoder, level: Int, id: Int) {
            self.encoder = encoder
            self.level = level
            self.id = id
        }

        mutating func encodeNil() throws {
            try encoder.beginElement(level: level, id: id)
            encoder.bytes += "null".utf8
            count += 1
        }

        mutating func encode(_ value: String) throws {
            try encoder.beginElement(level: level, id: id)
            JSONWriter.appendString(value, into: &encoder.bytes)
            count += 1
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try encoder.beginElement(level: level, id: id)
            try encoder.encodeValue(value)
            count += 1
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            count += 1
            let (level, id) = encoder.nestedElement(object: true) { try encoder.beginElement(level: self.level, id: self.id) }
            return KeyedEncodingContainer(KeyedWriter<NestedKey>(encoder: encoder, level: level, id: id))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            count += 1
            let (level, id) = encoder.nestedElement(object: false) { try encoder.beginElement(level: self.level, id: self.id) }
            return UnkeyedWriter(encoder: encoder, level: level, id: id)
        }

        mutating func superEncoder() -> any Encoder { encoder.refuseSuperEncoder() }
    }

    /// One scalar (or a value encoded whole) standing for the value being encoded.
    struct SingleValueWriter: SingleValueEncodingContainer {
        let encoder: DocumentEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws {
            try encoder.beginSingleValue(Never.self)
            encoder.bytes += "null".utf8
        }

        mutating func encode(_ value: String) throws {
            try encoder.beginSingleValue(String.self)
            JSONWriter.appendString(value, into: &encoder.bytes)
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try encoder.beginSingleValue(T.self)
            try encoder.encodeValue(value)
        }
    }

    /// Begins an element with `begin` and opens a container as its value; a failed begin is remembered, since
    /// the `Encoder` API does not let a nested container throw.
    func nestedElement(object: Bool, begin: () throws -> Void) -> (level: Int, id: Int) {
        do {
            try begin()
        } catch {
            unsupported = unsupported ?? "a write to a container after its parent moved on"
            return (open.count, -1)
        }
        return nested(object: object)
    }

    func refuseSuperEncoder() -> any Encoder {
        unsupported = "a super encoder"
        return self
    }
}
