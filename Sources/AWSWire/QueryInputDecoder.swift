import Foundation

/// Reads a query-protocol request (`Action=...&Tags.member.1.Key=...`) into an ``AWSValue``
/// shaped by the operation's input shape, as botocore's query serializer writes it.
struct QueryInputDecoder {
    let parameters: [String: String]
    let model: ServiceModel

    init(pairs: [(name: String, value: String)], model: ServiceModel) {
        var parameters: [String: String] = [:]
        for (name, value) in pairs where parameters[name] == nil { parameters[name] = value }
        self.parameters = parameters
        self.model = model
    }

    func decode(_ shape: Shape) throws(AWSError) -> AWSValue {
        try structure(prefix: "", shape: shape) ?? .empty
    }

    func structure(prefix: String, shape: Shape) throws(AWSError) -> AWSValue? {
        var members: [String: AWSValue] = [:]
        for (name, reference) in shape.members {
            let wireName = reference.locationName ?? name
            let key = prefix.isEmpty ? wireName : prefix + "." + wireName
            if let value = try value(key: key, reference: reference) { members[name] = value }
        }
        if members.isEmpty, !prefix.isEmpty, !hasChildren(prefix) { return nil }
        return .object(members)
    }

    func value(key: String, reference: ShapeReference) throws(AWSError) -> AWSValue? {
        let shape = model.shape(reference)
        switch shape.kind {
        case .structure:
            return try structure(prefix: key, shape: shape)
        case .list:
            guard let member = shape.member else { return nil }
            let base = reference.flattened || shape.flattened ? key : key + "." + (member.locationName ?? "member")
            var items: [AWSValue] = []
            var index = 1
            while let item = try value(key: "\(base).\(index)", reference: member) {
                items.append(item)
                index += 1
            }
            if items.isEmpty { return parameters[key] != nil ? .list([]) : nil }
            return .list(items)
        case .map:
            guard let keyReference = shape.key, let valueReference = shape.value else { return nil }
            let base = reference.flattened || shape.flattened ? key : key + ".entry"
            var entries: [String: AWSValue] = [:]
            var index = 1
            while let name = parameters["\(base).\(index).\(keyReference.locationName ?? "key")"] {
                entries[name] = try value(key: "\(base).\(index).\(valueReference.locationName ?? "value")", reference: valueReference)
                index += 1
            }
            if entries.isEmpty { return parameters[key] != nil ? .object([:]) : nil }
            return .object(entries)
        default:
            guard let text = parameters[key] else { return nil }
            return try Scalar.parse(text, kind: shape.kind, name: key, wireProtocol: .query)
        }
    }

    func hasChildren(_ prefix: String) -> Bool {
        let start = prefix + "."
        return parameters.keys.contains { $0.hasPrefix(start) }
    }
}

/// Scalars written as text (query parameters, REST headers and query strings).
enum Scalar {
    static func parse(_ text: String, kind: Shape.Kind, name: String, wireProtocol: ServiceModel.WireProtocol) throws(AWSError) -> AWSValue {
        switch kind {
        case .integer, .long:
            guard let number = Int64(text) else { throw invalid(text, name, "Member must be a number", wireProtocol) }
            return .integer(number)
        case .double, .float:
            guard let number = Double(text) else { throw invalid(text, name, "Member must be a number", wireProtocol) }
            return .double(number)
        case .boolean:
            switch text.lowercased() {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: throw invalid(text, name, "Member must be a boolean", wireProtocol)
            }
        case .timestamp:
            if let date = Timestamp.parse(text) { return .timestamp(date) }
            if let seconds = Double(text), let date = Timestamp.date(epochSeconds: seconds) { return .timestamp(date) }
            throw invalid(text, name, "Member must be a timestamp", wireProtocol)
        case .blob:
            guard let data = Base64.decode(text) else { throw invalid(text, name, "Member must be base64-encoded", wireProtocol) }
            return .blob(data)
        default:
            return .string(text)
        }
    }

    static func invalid(_ text: String, _ name: String, _ constraint: String, _ wireProtocol: ServiceModel.WireProtocol) -> AWSError {
        AWSError.validation(
            "1 validation error detected: Value '\(text)' at '\(InputValidator.memberPath(name))' failed to satisfy constraint: \(constraint)",
            wireProtocol: wireProtocol
        )
    }
}
