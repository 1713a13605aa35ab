import Foundation

/// A decoded request input or an operation's output, shaped by a service model.
///
/// Structures and maps are both `.object`; the model tells them apart on the wire.
public enum AWSValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case double(Double)
    case boolean(Bool)
    case timestamp(Date)
    case blob([UInt8])
    case list([AWSValue])
    case object([String: AWSValue])

    /// The member `name` of an object.
    public subscript(name: String) -> AWSValue? {
        if case .object(let members) = self { return members[name] }
        return nil
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    public var boolean: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    public var timestamp: Date? {
        if case .timestamp(let value) = self { return value }
        return nil
    }

    public var list: [AWSValue]? {
        if case .list(let value) = self { return value }
        return nil
    }

    public var object: [String: AWSValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// An empty structure.
    public static let empty = AWSValue.object([:])
}

extension AWSValue: ExpressibleByStringLiteral, ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(dictionaryLiteral elements: (String, AWSValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
    public init(arrayLiteral elements: AWSValue...) { self = .list(elements) }
}

extension AWSValue {
    /// Reads any JSON text as a value (objects, lists, strings, numbers, booleans); `nil` when it is not JSON.
    public init?(json: String) {
        guard let parsed = try? JSONReader.read(Array(json.utf8)) else { return nil }
        self = JSONInputDecoder.document(parsed)
    }
}
