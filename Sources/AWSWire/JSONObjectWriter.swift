/// Writes one JSON object member by member, for a caller that knows its keys: no dictionary is built
/// and nothing is sorted. The caller gives the keys in the order they are to appear.
public struct JSONObjectWriter {
    private var bytes: [UInt8]
    private var empty = true

    public init(capacity: Int = 0) {
        bytes = [UInt8(ascii: "{")]
        bytes.reserveCapacity(capacity)
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
        var nested = JSONObjectWriter()
        body(&nested)
        bytes += nested.bytes
        bytes.append(UInt8(ascii: "}"))
    }

    /// The object's text, closed.
    public func finish() -> String {
        String(decoding: bytes + [UInt8(ascii: "}")], as: UTF8.self)
    }

    private mutating func open(_ key: String) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        JSONWriter.appendString(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }
}
