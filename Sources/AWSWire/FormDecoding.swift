/// Decodes `application/x-www-form-urlencoded` text (the query protocol's requests).
public enum FormDecoding {
    /// The name/value pairs of `text`, in order; `+` is a space. Throws on invalid UTF-8.
    public static func pairs(_ text: [UInt8]) throws(AWSError) -> [(name: String, value: String)] {
        try text.withUnsafeBufferPointer { bytes throws(AWSError) in
            var pairs: [(name: String, value: String)] = []
            var start = 0
            while start < bytes.count {
                var end = start
                var equals: Int?
                while end < bytes.count, bytes[end] != UInt8(ascii: "&") {
                    if equals == nil, bytes[end] == UInt8(ascii: "=") { equals = end }
                    end += 1
                }
                if end > start {
                    let nameEnd = equals ?? end
                    let name = try decode(UnsafeBufferPointer(rebasing: bytes[start..<nameEnd]))
                    let value = try equals.map { equals throws(AWSError) in try decode(UnsafeBufferPointer(rebasing: bytes[equals + 1..<end])) }
                    pairs.append((name, value ?? ""))
                }
                start = end + 1
            }
            return pairs
        }
    }

    /// One component, `+` as a space and `%XX` decoded; text with neither becomes a string without a copy to decode into.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(AWSError) -> String {
        let text: String?
        if !bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) {
            text = String(validating: bytes, as: UTF8.self)
        } else {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "+"):
                    out.append(UInt8(ascii: " "))
                case UInt8(ascii: "%"):
                    guard index + 1 < bytes.count, let high = hexValue(bytes[index]), let low = hexValue(bytes[index + 1]) else {
                        throw AWSError(code: "MalformedQueryString", message: "The query string contains a malformed percent-encoding.")
                    }
                    out.append(high << 4 | low)
                    index += 2
                default:
                    out.append(byte)
                }
            }
            text = String(validating: out, as: UTF8.self)
        }
        guard let text else {
            throw AWSError(code: "MalformedQueryString", message: "The query string is not valid UTF-8.")
        }
        return text
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
