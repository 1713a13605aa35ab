/// Writes a query-protocol response: `<OpResponse xmlns=...><OpResult>...</OpResult><ResponseMetadata>...`.
struct XMLResponseEncoder {
    let model: ServiceModel

    func response(_ output: AWSValue, operation: ServiceOperation, requestId: String) -> [UInt8] {
        var xml = "<\(operation.name)Response xmlns=\"\(model.xmlNamespace ?? "")\">"
        if let reference = operation.output {
            let wrapper = operation.resultWrapper ?? "\(operation.name)Result"
            xml += "<\(wrapper)>"
            members(output, shape: model.shape(reference), into: &xml)
            xml += "</\(wrapper)>"
        }
        xml += "<ResponseMetadata><RequestId>\(requestId)</RequestId></ResponseMetadata></\(operation.name)Response>"
        return Array(xml.utf8)
    }

    func members(_ value: AWSValue, shape: Shape, into xml: inout String) {
        guard case .object(let members) = value else { return }
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            guard let reference = shape.members[name], reference.location == nil else { continue }
            element(reference.locationName ?? name, member, reference: reference, into: &xml)
        }
    }

    func element(_ name: String, _ value: AWSValue, reference: ShapeReference, into xml: inout String) {
        let shape = model.shape(reference)
        switch value {
        case .list(let items):
            guard let member = shape.member else { return }
            if reference.flattened || shape.flattened {
                for item in items { element(name, item, reference: member, into: &xml) }
            } else {
                xml += "<\(name)>"
                for item in items { element(member.locationName ?? "member", item, reference: member, into: &xml) }
                xml += "</\(name)>"
            }
        case .object(let entries) where shape.kind == .map:
            guard let key = shape.key, let valueReference = shape.value else { return }
            let flattened = reference.flattened || shape.flattened
            if !flattened { xml += "<\(name)>" }
            for (entryKey, entry) in entries.sorted(by: { $0.key < $1.key }) {
                xml += flattened ? "<\(name)>" : "<entry>"
                element(key.locationName ?? "key", .string(entryKey), reference: key, into: &xml)
                element(valueReference.locationName ?? "value", entry, reference: valueReference, into: &xml)
                xml += flattened ? "</\(name)>" : "</entry>"
            }
            if !flattened { xml += "</\(name)>" }
        case .object:
            xml += "<\(name)>"
            members(value, shape: shape, into: &xml)
            xml += "</\(name)>"
        default:
            xml += "<\(name)>\(XMLText.escape(XMLText.scalar(value)))</\(name)>"
        }
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
        guard text.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 < 32 }) else { return text }
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
