/// A JSON value as read, before a shape gives it meaning.
public enum JSONNode: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number's text as written (`-12`, `1.5e3`): an integer shape reads it exactly, a double shape as `Double`.
    case number(String)
    case string(String)
    case array([JSONNode])
    /// Members in the order written; a key given twice keeps its last value when read as a dictionary.
    case object([(key: String, value: JSONNode)])

    public static func == (lhs: JSONNode, rhs: JSONNode) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        default: false
        }
    }

    /// The number as an `Int64`, if it is one exactly (`3`, `3.0`, `3e2`; not `0.99999999999999999`, which a
    /// `Double` would round to 1). Worked out on the digits as written.
    public var integer: Int64? {
        guard case .number(let text) = self else { return nil }
        if let integer = Int64(text) { return integer }
        let bytes = Array(text.utf8)
        let negative = bytes.first == UInt8(ascii: "-")
        var digits: [UInt8] = []
        var exponent = 0
        var index = negative ? 1 : 0
        var fraction = false
        while index < bytes.count, bytes[index] != UInt8(ascii: "e"), bytes[index] != UInt8(ascii: "E") {
            if bytes[index] == UInt8(ascii: ".") {
                fraction = true
            } else {
                digits.append(bytes[index] - UInt8(ascii: "0"))
                if fraction { exponent -= 1 }
            }
            index += 1
        }
        if index < bytes.count {
            // The exponent: beyond Int's range no Int64 can result, unless every digit is zero.
            guard let written = Int(String(decoding: bytes[(index + 1)...], as: UTF8.self)) else {
                return digits.allSatisfy { $0 == 0 } ? 0 : nil
            }
            exponent += written
        }
        while digits.count > 1, digits.last == 0, exponent < 0 {
            digits.removeLast()
            exponent += 1
        }
        digits = Array(digits.drop { $0 == 0 })
        if digits.isEmpty { return 0 }
        guard exponent >= 0, digits.count + exponent <= 19 else { return nil }
        var value: Int64 = 0
        for digit in digits + Array(repeating: 0, count: exponent) {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowAgain) = shifted.addingReportingOverflow(negative ? -Int64(digit) : Int64(digit))
            guard !overflow, !overflowAgain else { return nil }
            value = next
        }
        return value
    }

    /// The number as a `Double`, if it is finite as one (`1e400` is not).
    public var double: Double? {
        guard case .number(let text) = self, let value = Double(text), value.isFinite else { return nil }
        return value
    }
}

/// Reads JSON text (RFC 8259, strictly: UTF-8, no trailing commas, no comments, no bare control characters in
/// strings, no lone surrogates) into a ``JSONNode``, in one pass over the bytes.
public struct JSONReader {
    /// Where and why the text is not JSON.
    public struct Failure: Error, Equatable {
        public var offset: Int
        public var reason: String
    }

    /// How deep arrays and objects may nest.
    static let depthLimit = 512

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The one value `bytes` holds, with nothing but whitespace around it.
    public static func read(_ bytes: [UInt8]) throws(Failure) -> JSONNode {
        var reader = JSONReader(bytes)
        reader.skipWhitespace()
        let value = try reader.value()
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw reader.failure("text after the value") }
        return value
    }

    private func failure(_ reason: String) -> Failure {
        Failure(offset: index, reason: reason)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func expect(_ literal: StaticString) throws(Failure) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("a truncated literal") }
        let matches = literal.withUTF8Buffer { expected in (0..<count).allSatisfy { bytes[index + $0] == expected[$0] } }
        guard matches else { throw failure("an unknown literal") }
        index += count
    }

    private mutating func value() throws(Failure) -> JSONNode {
        guard index < bytes.count else { throw failure("a missing value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try nested { reader throws(Failure) in try reader.object() }
        case UInt8(ascii: "["): return try nested { reader throws(Failure) in try reader.array() }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw failure("an unexpected character")
        }
    }

    private mutating func nested(_ read: (inout JSONReader) throws(Failure) -> JSONNode) throws(Failure) -> JSONNode {
        depth += 1
        guard depth <= Self.depthLimit else { throw failure("nesting deeper than \(Self.depthLimit)") }
        let value = try read(&self)
        depth -= 1
        return value
    }

    private mutating func object() throws(Failure) -> JSONNode {
        var members: [(key: String, value: JSONNode)] = []
        try elements(closedBy: UInt8(ascii: "}")) { reader throws(Failure) in
            guard reader.index < reader.bytes.count, reader.bytes[reader.index] == UInt8(ascii: "\"") else { throw reader.failure("a missing member name") }
            let key = try reader.string()
            reader.skipWhitespace()
            guard reader.index < reader.bytes.count, reader.bytes[reader.index] == UInt8(ascii: ":") else { throw reader.failure("a missing ':'") }
            reader.index += 1
            reader.skipWhitespace()
            members.append((key, try reader.value()))
        }
        return .object(members)
    }

    private mutating func array() throws(Failure) -> JSONNode {
        var items: [JSONNode] = []
        try elements(closedBy: UInt8(ascii: "]")) { reader throws(Failure) in items.append(try reader.value()) }
        return .array(items)
    }

    /// From an opening bracket to its `closing` one: the elements between, separated by commas, each read by `element`.
    private mutating func elements(closedBy closing: UInt8, _ element: (inout JSONReader) throws(Failure) -> Void) throws(Failure) {
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == closing {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            guard index < bytes.count else { throw failure("an unterminated array or object") }
            if bytes[index] == closing {
                index += 1
                return
            }
            guard bytes[index] == UInt8(ascii: ",") else { throw failure("a missing ',' or closing bracket") }
            index += 1
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as written.
    private mutating func number() throws(Failure) -> String {
        let start = index
        func digits(_ reader: inout JSONReader) -> Int {
            let first = reader.index
            while reader.index < reader.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(reader.bytes[reader.index]) { reader.index += 1 }
            return reader.index - first
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let whole = index
        guard digits(&self) > 0 else { throw failure("a number without digits") }
        if bytes[whole] == UInt8(ascii: "0"), index - whole > 1 { throw failure("a number with a leading zero") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw failure("a number without digits after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw failure("a number without exponent digits") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A string's contents, unescaped; the bytes between escapes are copied as they are (checked as UTF-8 at the end).
    private mutating func string() throws(Failure) -> String {
        index += 1
        var text: [UInt8] = []
        var runStart = index
        while true {
            guard index < bytes.count else { throw failure("an unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                text.append(contentsOf: bytes[runStart..<index])
                index += 1
                break
            }
            if byte < 0x20 { throw failure("a control character in a string") }
            guard byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            text.append(contentsOf: bytes[runStart..<index])
            index += 1
            guard index < bytes.count else { throw failure("an unterminated escape") }
            let escaped = bytes[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
            case UInt8(ascii: "b"): text.append(0x08)
            case UInt8(ascii: "f"): text.append(0x0C)
            case UInt8(ascii: "n"): text.append(0x0A)
            case UInt8(ascii: "r"): text.append(0x0D)
            case UInt8(ascii: "t"): text.append(0x09)
            case UInt8(ascii: "u"): text.append(contentsOf: try unicodeEscape())
            default: throw failure("an unknown escape")
            }
            runStart = index
        }
        guard let string = String(validating: text, as: UTF8.self) else { throw failure("a string that is not UTF-8") }
        return string
    }

    /// After `\u`: four hex digits, or a surrogate pair as two escapes; the scalar's UTF-8 bytes.
    private mutating func unicodeEscape() throws(Failure) -> [UInt8] {
        let first = try hex4()
        var scalar: Unicode.Scalar?
        if (0xD800...0xDBFF).contains(first) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw failure("a lone surrogate")
            }
            index += 2
            let second = try hex4()
            guard (0xDC00...0xDFFF).contains(second) else { throw failure("a lone surrogate") }
            scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
        } else {
            scalar = Unicode.Scalar(first)
        }
        guard let scalar else { throw failure("a lone surrogate") }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("a truncated \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("a \\u escape that is not hexadecimal")
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }
}
