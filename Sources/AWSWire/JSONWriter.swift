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
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
