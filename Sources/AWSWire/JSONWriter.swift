import Foundation

/// Writes ``AWSValue``s as JSON, as AWS's JSON protocols do (timestamps as epoch seconds, blobs as base64).
public enum JSONWriter {
    /// The JSON text of `value`; structure keys become each member's wire name when a shape is given.
    public static func write(_ value: AWSValue, shape: Shape? = nil, model: ServiceModel? = nil) -> String {
        var out = ""
        append(value, shape: shape, model: model, into: &out)
        return out
    }

    static func append(_ value: AWSValue, shape: Shape?, model: ServiceModel?, into out: inout String) {
        switch value {
        case .string(let text): appendString(text, into: &out)
        case .integer(let number): out += String(number)
        case .double(let number): out += number.isFinite ? String(number) : "null"
        case .boolean(let flag): out += flag ? "true" : "false"
        case .timestamp(let date):
            let seconds = date.timeIntervalSince1970
            out += seconds == seconds.rounded() ? String(Int64(seconds)) : String(seconds)
        case .blob(let bytes): appendString(Base64.encode(bytes), into: &out)
        case .list(let items):
            let member = shape?.member.flatMap { reference in model?.shape(reference) }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                append(item, shape: member, model: model, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            var first = true
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                var key = name
                var memberShape: Shape?
                if let shape, shape.kind == .structure {
                    guard let reference = shape.members[name] else { continue }
                    if reference.location != nil { continue }
                    key = reference.locationName ?? name
                    memberShape = model?.shape(reference)
                } else if let shape, shape.kind == .map, let reference = shape.value {
                    memberShape = model?.shape(reference)
                }
                if !first { out += "," }
                first = false
                appendString(key, into: &out)
                out += ":"
                append(member, shape: memberShape, model: model, into: &out)
            }
            out += "}"
        }
    }

    static func appendString(_ text: String, into out: inout String) {
        out += "\""
        var text = text
        if text.withUTF8({ bytes in bytes.allSatisfy { $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 >= 0x20 } }) {
            out += text
            out += "\""
            return
        }
        // Only ASCII bytes need escaping, so the text is copied in runs between them (cut at ASCII
        // bytes, the runs stay whole UTF-8).
        let utf8 = text.utf8
        var runStart = utf8.startIndex
        var index = runStart
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
                out += text[runStart..<index]
                out += escape(byte)
                runStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        out += text[runStart...]
        out += "\""
    }

    static func escape(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): "\\\""
        case UInt8(ascii: "\\"): "\\\\"
        case UInt8(ascii: "\n"): "\\n"
        case UInt8(ascii: "\r"): "\\r"
        case UInt8(ascii: "\t"): "\\t"
        default: "\\u00" + String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16)
        }
    }
}
