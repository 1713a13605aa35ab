import Foundation

/// Reads a JSON request body (json 1.1 and rest-json) into an ``AWSValue`` shaped by the input shape.
struct JSONInputDecoder {
    let model: ServiceModel

    func decode(_ body: [UInt8], shape: Shape) throws(AWSError) -> AWSValue {
        if body.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) { return .empty }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(body), options: [])
        } catch {
            throw AWSError.serialization("The request body is not valid JSON.", wireProtocol: model.wireProtocol)
        }
        if Self.hasTrailingComma(body) {
            throw AWSError.serialization("The request body is not valid JSON.", wireProtocol: model.wireProtocol)
        }
        guard let object = parsed as? [String: Any] else {
            throw AWSError.serialization("Start of list found where not expected", wireProtocol: model.wireProtocol)
        }
        return try structure(object, shape: shape, path: "")
    }

    func structure(_ object: [String: Any], shape: Shape, path: String) throws(AWSError) -> AWSValue {
        var members: [String: AWSValue] = [:]
        for (name, reference) in shape.members where reference.location == nil {
            let wireName = reference.locationName ?? name
            guard let raw = object[wireName], !(raw is NSNull) else { continue }
            members[name] = try value(raw, reference: reference, path: path.isEmpty ? name : path + "." + name)
        }
        return .object(members)
    }

    func value(_ raw: Any, reference: ShapeReference, path: String) throws(AWSError) -> AWSValue {
        let shape = model.shape(reference)
        switch shape.kind {
        case .structure:
            guard let object = raw as? [String: Any] else { throw mismatch(path, "a structure") }
            return try structure(object, shape: shape, path: path)
        case .list:
            guard let items = raw as? [Any], let member = shape.member else { throw mismatch(path, "a list") }
            var values: [AWSValue] = []
            for (index, item) in items.enumerated() where !(item is NSNull) {
                values.append(try value(item, reference: member, path: "\(path).\(index + 1)"))
            }
            return .list(values)
        case .map:
            guard let object = raw as? [String: Any], let valueReference = shape.value else { throw mismatch(path, "a map") }
            var entries: [String: AWSValue] = [:]
            for (key, item) in object where !(item is NSNull) {
                entries[key] = try value(item, reference: valueReference, path: "\(path).\(key)")
            }
            return .object(entries)
        case .string:
            guard let text = raw as? String else { throw mismatch(path, "a string") }
            return .string(text)
        case .boolean:
            // Foundation bridges the numbers 0 and 1 to `Bool` too; only JSON `true`/`false` are booleans.
            guard let number = raw as? NSNumber, Self.isBoolean(number) else { throw mismatch(path, "a boolean") }
            return .boolean(number.boolValue)
        case .integer, .long:
            guard let number = Self.number(raw), let integer = Int64(exactly: number.doubleValue) else {
                throw mismatch(path, "an integer")
            }
            return .integer(integer)
        case .double, .float:
            guard let number = Self.number(raw) else { throw mismatch(path, "a number") }
            return .double(number.doubleValue)
        case .timestamp:
            if let number = Self.number(raw), let date = Timestamp.date(epochSeconds: number.doubleValue) { return .timestamp(date) }
            if let text = raw as? String, let date = Timestamp.parse(text) { return .timestamp(date) }
            throw mismatch(path, "a timestamp")
        case .blob:
            guard let text = raw as? String, let bytes = Base64.decode(text) else { throw mismatch(path, "base64 data") }
            return .blob(bytes)
        case .document:
            return Self.document(raw)
        }
    }

    /// Any JSON value, as it is.
    static func document(_ raw: Any) -> AWSValue {
        switch raw {
        case let text as String: return .string(text)
        case let number as NSNumber:
            if isBoolean(number) { return .boolean(number.boolValue) }
            if let integer = Int64(exactly: number.doubleValue) { return .integer(integer) }
            return .double(number.doubleValue)
        case let items as [Any]: return .list(items.filter { !($0 is NSNull) }.map(document))
        case let object as [String: Any]: return .object(object.filter { !($0.value is NSNull) }.mapValues(document))
        default: return .object([:])
        }
    }

    /// The class JSONSerialization gives JSON `true` and `false` (`__NSCFBoolean`, on Darwin and Linux alike).
    static let booleanClass = ObjectIdentifier(type(of: NSNumber(value: true)))

    static func isBoolean(_ number: NSNumber) -> Bool {
        ObjectIdentifier(type(of: number)) == booleanClass
    }

    /// A JSON number (not a string, not `true`/`false`, which Foundation also bridges to `NSNumber`).
    static func number(_ raw: Any) -> NSNumber? {
        guard !(raw is String), let number = raw as? NSNumber, !isBoolean(number) else { return nil }
        return number
    }

    /// Whether a `,` comes right before a `}` or `]` (outside strings). Foundation's parser accepts that
    /// as a convenience (swift-corelibs-foundation#4682); JSON (RFC 8259) and AWS's services do not.
    static func hasTrailingComma(_ body: [UInt8]) -> Bool {
        var inString = false
        var escaped = false
        var afterComma = false
        for byte in body {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: ","): afterComma = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if afterComma { return true }
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
            default: break
            }
            if byte != UInt8(ascii: ",") { afterComma = false }
        }
        return false
    }

    func mismatch(_ path: String, _ expected: String) -> AWSError {
        AWSError.serialization("Expected \(expected) at '\(InputValidator.memberPath(path))'.", wireProtocol: model.wireProtocol)
    }
}
