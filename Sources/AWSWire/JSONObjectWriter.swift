/// Writes one JSON object member by member, for a caller that knows its keys: no dictionary is built
/// and nothing is sorted. The caller gives the keys in the order they are to appear.
public struct JSONObjectWriter {
    private var text: String
    private var empty = true

    public init(capacity: Int = 0) {
        text = "{"
        text.reserveCapacity(capacity)
    }

    public mutating func member(_ key: String, _ value: String) {
        open(key)
        JSONWriter.appendString(value, into: &text)
    }

    public mutating func member(_ key: String, _ value: Bool) {
        open(key)
        text += value ? "true" : "false"
    }

    /// A member written as ``JSONWriter`` writes any value (an object's keys sorted).
    public mutating func member(_ key: String, _ value: AWSValue) {
        open(key)
        JSONWriter.append(value, shape: nil, model: nil, into: &text)
    }

    /// A member whose value is an object written by `body`.
    public mutating func member(_ key: String, object body: (inout JSONObjectWriter) -> Void) {
        open(key)
        var nested = JSONObjectWriter()
        body(&nested)
        text += nested.finish()
    }

    /// The object's text, closed.
    public func finish() -> String {
        text + "}"
    }

    private mutating func open(_ key: String) {
        if !empty { text += "," }
        empty = false
        JSONWriter.appendString(key, into: &text)
        text += ":"
    }
}
