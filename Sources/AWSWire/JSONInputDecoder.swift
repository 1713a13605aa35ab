/// Reads a JSON request body (json 1.1 and rest-json) into an ``AWSValue`` shaped by the input shape.
struct JSONInputDecoder {
    let model: ServiceModel

    func decode(_ body: [UInt8], shape: Shape) throws(AWSError) -> AWSValue {
        if body.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) { return .empty }
        let parsed: JSONNode
        do {
            parsed = try JSONReader.read(body)
        } catch {
            throw AWSError.serialization("The request body is not valid JSON.", wireProtocol: model.wireProtocol)
        }
        guard case .object(let members) = parsed else {
            throw AWSError.serialization("Start of list found where not expected", wireProtocol: model.wireProtocol)
        }
        return try structure(members, shape: shape, path: "")
    }

    func structure(_ members: [(key: String, value: JSONNode)], shape: Shape, path: String) throws(AWSError) -> AWSValue {
        var given: [String: JSONNode] = [:]
        given.reserveCapacity(members.count)
        for (key, value) in members { given[key] = value }
        var values: [String: AWSValue] = [:]
        for (name, reference) in shape.members where reference.location == nil {
            let wireName = reference.locationName ?? name
            guard let raw = given[wireName], raw != .null else { continue }
            values[name] = try value(raw, reference: reference, path: path.isEmpty ? name : path + "." + name)
        }
        return .object(values)
    }

    func value(_ raw: JSONNode, reference: ShapeReference, path: String) throws(AWSError) -> AWSValue {
        let shape = model.shape(reference)
        switch shape.kind {
        case .structure:
            guard case .object(let members) = raw else { throw mismatch(path, "a structure") }
            return try structure(members, shape: shape, path: path)
        case .list:
            guard case .array(let items) = raw, let member = shape.member else { throw mismatch(path, "a list") }
            var values: [AWSValue] = []
            for (index, item) in items.enumerated() where item != .null {
                values.append(try value(item, reference: member, path: "\(path).\(index + 1)"))
            }
            return .list(values)
        case .map:
            guard case .object(let members) = raw, let valueReference = shape.value else { throw mismatch(path, "a map") }
            var entries: [String: AWSValue] = [:]
            for (key, item) in members {
                entries[key] = item == .null ? nil : try value(item, reference: valueReference, path: "\(path).\(key)")
            }
            return .object(entries)
        case .string:
            guard case .string(let text) = raw else { throw mismatch(path, "a string") }
            return .string(text)
        case .boolean:
            guard case .bool(let flag) = raw else { throw mismatch(path, "a boolean") }
            return .boolean(flag)
        case .integer, .long:
            guard let integer = raw.integer else { throw mismatch(path, "an integer") }
            return .integer(integer)
        case .double, .float:
            guard let number = raw.double else { throw mismatch(path, "a number") }
            return .double(number)
        case .timestamp:
            if let seconds = raw.double, let date = Timestamp.date(epochSeconds: seconds) { return .timestamp(date) }
            if case .string(let text) = raw, let date = Timestamp.parse(text) { return .timestamp(date) }
            throw mismatch(path, "a timestamp")
        case .blob:
            guard case .string(let text) = raw, let bytes = Base64.decode(text) else { throw mismatch(path, "base64 data") }
            return .blob(bytes)
        case .document:
            guard Self.numbersFit(raw) else { throw mismatch(path, "numbers a double can hold") }
            return Self.document(raw)
        }
    }

    /// Whether every number in `raw` is one a `Double` can hold (`1e400` is not).
    static func numbersFit(_ raw: JSONNode) -> Bool {
        switch raw {
        case .number: raw.integer != nil || raw.double != nil
        case .array(let items): items.allSatisfy(numbersFit)
        case .object(let members): members.allSatisfy { numbersFit($0.value) }
        default: true
        }
    }

    /// Any JSON value, as it is (nulls dropped; a number is an integer when it is one exactly).
    static func document(_ raw: JSONNode) -> AWSValue {
        switch raw {
        case .string(let text): return .string(text)
        case .bool(let flag): return .boolean(flag)
        case .number(let text):
            if let integer = raw.integer { return .integer(integer) }
            // Beyond Double's range the number stays as written.
            return raw.double.map(AWSValue.double) ?? .string(text)
        case .array(let items): return .list(items.filter { $0 != .null }.map(document))
        case .object(let members):
            var entries: [String: AWSValue] = [:]
            for (key, value) in members { entries[key] = value == .null ? nil : document(value) }
            return .object(entries)
        case .null: return .object([:])
        }
    }

    func mismatch(_ path: String, _ expected: String) -> AWSError {
        AWSError.serialization("Expected \(expected) at '\(InputValidator.memberPath(path))'.", wireProtocol: model.wireProtocol)
    }
}
