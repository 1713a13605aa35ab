/// Writes a query-protocol response: `<OpResponse xmlns=...><OpResult>...</OpResult><ResponseMetadata>...`.
struct XMLResponseEncoder {
    let model: ServiceModel

    func response(_ output: AWSValue, operation: ServiceOperation, requestId: String) -> [UInt8] {
        var xml: [UInt8] = []
        xml.reserveCapacity(1024)
        xml += "<\(operation.name)Response xmlns=\"\(model.xmlNamespace ?? "")\">".utf8
        if let reference = operation.output {
            let wrapper = operation.resultWrapper ?? "\(operation.name)Result"
            open(wrapper, into: &xml)
            members(output, shape: model.shape(reference), into: &xml)
            close(wrapper, into: &xml)
        }
        xml += "<ResponseMetadata><RequestId>".utf8
        xml += requestId.utf8
        xml += "</RequestId></ResponseMetadata>".utf8
        close("\(operation.name)Response", into: &xml)
        return xml
    }

    func members(_ value: AWSValue, shape: Shape, into xml: inout [UInt8]) {
        guard case .object(let values) = value else { return }
        for (name, reference) in shape.sortedMembers where reference.location == nil {
            guard let member = values[name] else { continue }
            element(reference.locationName ?? name, member, reference: reference, into: &xml)
        }
    }

    /// Only lists and objects read their shape: every shape access is an atomic retain of an object all
    /// threads share, and most elements are scalars (a ListUsers page made hundreds of such reads).
    func element(_ name: String, _ value: AWSValue, reference: ShapeReference, into xml: inout [UInt8]) {
        switch value {
        case .list(let items):
            let shape = model.shape(reference)
            guard let member = shape.member else { return }
            if reference.flattened || shape.flattened {
                for item in items { element(name, item, reference: member, into: &xml) }
            } else {
                open(name, into: &xml)
                for item in items { element(member.locationName ?? "member", item, reference: member, into: &xml) }
                close(name, into: &xml)
            }
        case .object(let entries):
            let shape = model.shape(reference)
            if shape.kind == .map {
                map(name, entries, shape: shape, flattened: reference.flattened || shape.flattened, into: &xml)
            } else {
                open(name, into: &xml)
                members(value, shape: shape, into: &xml)
                close(name, into: &xml)
            }
        default:
            open(name, into: &xml)
            xml += XMLText.escape(XMLText.scalar(value)).utf8
            close(name, into: &xml)
        }
    }

    /// A map's entries in key order: `<entry><key>…</key><value>…</value></entry>`, or flattened.
    func map(_ name: String, _ entries: [String: AWSValue], shape: Shape, flattened: Bool, into xml: inout [UInt8]) {
        guard let key = shape.key, let valueReference = shape.value else { return }
        if !flattened { open(name, into: &xml) }
        for (entryKey, entry) in entries.sorted(by: { $0.key < $1.key }) {
            open(flattened ? name : "entry", into: &xml)
            element(key.locationName ?? "key", .string(entryKey), reference: key, into: &xml)
            element(valueReference.locationName ?? "value", entry, reference: valueReference, into: &xml)
            close(flattened ? name : "entry", into: &xml)
        }
        if !flattened { close(name, into: &xml) }
    }

    func open(_ name: String, into xml: inout [UInt8]) {
        xml.append(UInt8(ascii: "<"))
        xml += name.utf8
        xml.append(UInt8(ascii: ">"))
    }

    func close(_ name: String, into xml: inout [UInt8]) {
        xml += "</".utf8
        xml += name.utf8
        xml.append(UInt8(ascii: ">"))
    }
}

/// Text content of XML elements.
enum XMLText {
    static func scalar(_ value: AWSValue) -> String {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        case .double(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .timestamp(let date): Timestamp.iso8601(date)
        case .blob(let bytes): Base64.encode(bytes)
        case .list, .object: ""
        }
    }

    /// Escapes text content: `&`, `<`, `>` and control characters (quotes need no escape outside attributes, and AWS leaves them).
    static func escape(_ text: String) -> String {
        var text = text
        guard text.withUTF8({ $0.contains { $0 == 38 || $0 == 60 || $0 == 62 || $0 < 32 } }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\n", "\r", "\t": out += "&#\(scalar.value);"
            default:
                if scalar.value < 32 { continue }  // not representable in XML 1.0
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
