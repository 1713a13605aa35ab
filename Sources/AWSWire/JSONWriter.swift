import Foundation

/// Writes ``AWSValue``s as JSON, as AWS's JSON protocols do (timestamps as epoch seconds, blobs as base64).
public enum JSONWriter {
    /// The JSON text of `value`; structure keys become each member's wire name when a shape is given.
    public static func write(_ value: AWSValue, shape: Shape? = nil, model: ServiceModel? = nil) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        append(value, shape: shape, model: model, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func append(_ value: AWSValue, shape: Shape?, model: ServiceModel?, into out: inout [UInt8]) {
        switch value {
        case .string(let text): appendString(text, into: &out)
        case .integer(let number): out += String(number).utf8
        case .double(let number): out += (number.isFinite ? String(number) : "null").utf8
        case .boolean(let flag): out += (flag ? "true" : "false").utf8
        case .timestamp(let date):
            let seconds = date.timeIntervalSince1970
            out += (seconds == seconds.rounded() ? String(Int64(seconds)) : String(seconds)).utf8
        case .blob(let bytes): appendString(Base64.encode(bytes), into: &out)
        case .list(let items):
            let member = shape?.member.flatMap { reference in model?.shape(reference) }
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                append(item, shape: member, model: model, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            var first = true
            func member(_ key: String, _ value: AWSValue, _ shape: Shape?) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                append(value, shape: shape, model: model, into: &out)
            }
            if let shape, shape.kind == .structure {
                // The shape's members in name order, those the value has and the body carries.
                for (name, reference) in shape.sortedMembers where reference.location == nil {
                    guard let value = members[name] else { continue }
                    // Only lists and objects read their shape (each access is an atomic retain of a shared object).
                    let container = switch value {
                        case .list, .object: true
                        default: false
                        }
                    member(reference.locationName ?? name, value, container ? model?.shape(reference) : nil)
                }
            } else {
                let valueShape = shape?.kind == .map ? shape?.value.flatMap { model?.shape($0) } : nil
                for (name, value) in members.sorted(by: { $0.key < $1.key }) { member(name, value, valueShape) }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string: the text's UTF-8 copied in runs between the ASCII bytes that need escaping.
    public static func appendString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                appendEscape(byte, into: &out)
                runStart = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    static func appendEscape(_ byte: UInt8, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
        default:
            let digits = Array("0123456789abcdef".utf8)
            out += [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
        }
    }
}
