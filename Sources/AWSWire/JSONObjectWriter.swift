/// Writes one JSON object member by member, for a caller that knows its keys: no dictionary is built
/// and nothing is sorted. The caller gives the keys in the order they are to appear. Nested objects
/// are written into the same buffer.
public struct JSONObjectWriter {
    private var bytes: [UInt8]
    private var empty = true

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    /// A writer for a nested object, before it borrows its parent's buffer.
    private init(nested: Void) {
        bytes = []
    }

    public mutating func member(_ key: String, _ value: String) {
        open(key)
        JSONWriter.appendString(value, into: &bytes)
    }

    public mutating func member(_ key: String, _ value: Bool) {
        open(key)
        bytes += (value ? "true" : "false").utf8
    }

    /// A member written as ``JSONWriter`` writes any value (an object's keys sorted).
    public mutating func member(_ key: String, _ value: AWSValue) {
        open(key)
        JSONWriter.append(value, shape: nil, model: nil, into: &bytes)
    }

    /// A member whose value is an object written by `body`.
    public mutating func member(_ key: String, object body: (inout JSONObjectWriter) -> Void) {
        open(key)
        nested(body)
    }

    /// A member whose value is a list of objects, each written by `body`.
    public mutating func member<Item>(_ key: String, objects items: [Item], _ body: (Item, inout JSONObjectWriter) -> Void) {
        open(key)
        bytes.append(UInt8(ascii: "["))
        for (offset, item) in items.enumerated() {
            if offset > 0 { bytes.append(UInt8(ascii: ",")) }
            nested { body(item, &$0) }
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes an object with `body` into this writer's buffer: the nested writer holds the one buffer while it
    /// writes (swapped, so it is never copied).
    private mutating func nested(_ body: (inout JSONObjectWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        var nested = JSONObjectWriter(nested: ())
        swap(&bytes, &nested.bytes)
        body(&nested)
        swap(&bytes, &nested.bytes)
        bytes.append(UInt8(ascii: "}"))
    }

    /// The object's text, closed: call it once, when the last member is written.
    public mutating func finish() -> String {
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func open(_ key: String) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        JSONWriter.appendString(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }
}
