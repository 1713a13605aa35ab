/// A model pattern that is one bracketed class of ASCII characters, repeated (`[\w+=,.@-]+`, most IAM
/// names): matched by a table of the 128 ASCII characters instead of a regular expression.
///
/// Only plain members are read: literal characters, ranges of them, `\w`, `\d` and escaped punctuation,
/// optionally anchored by `^` and `$`. Any other pattern (negated classes, `\p{...}`, `\u....`, Latin-1
/// ranges, `&&`) makes no table, and the regular expression decides.
struct CharacterClassPattern: Sendable {
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    /// `*`: the empty text matches.
    let allowsEmpty: Bool

    init?(_ pattern: String) {
        var bytes = Array(pattern.utf8)
        if bytes.first == UInt8(ascii: "^") { bytes.removeFirst() }
        if bytes.last == UInt8(ascii: "$") { bytes.removeLast() }
        guard bytes.count >= 4, bytes[0] == UInt8(ascii: "["), bytes[bytes.count - 2] == UInt8(ascii: "]") else { return nil }
        switch bytes[bytes.count - 1] {
        case UInt8(ascii: "+"): allowsEmpty = false
        case UInt8(ascii: "*"): allowsEmpty = true
        default: return nil
        }
        let members = bytes[1..<(bytes.count - 2)]
        guard !members.isEmpty, members.first != UInt8(ascii: "^") else { return nil }
        var index = members.startIndex
        // One member: a literal or escaped punctuation (its byte), or a class escape (nil after adding it).
        func member() -> UInt8?? {
            let byte = members[index]
            index += 1
            guard byte < 0x80, byte != UInt8(ascii: "["), byte != UInt8(ascii: "]") else { return .none }
            if byte == UInt8(ascii: "&"), index < members.endIndex, members[index] == UInt8(ascii: "&") { return .none }
            guard byte == UInt8(ascii: "\\") else { return .some(byte) }
            guard index < members.endIndex else { return .none }
            let escaped = members[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "w"):
                add(UInt8(ascii: "a")...UInt8(ascii: "z"))
                add(UInt8(ascii: "A")...UInt8(ascii: "Z"))
                add(UInt8(ascii: "0")...UInt8(ascii: "9"))
                add(UInt8(ascii: "_")...UInt8(ascii: "_"))
                return .some(nil)
            case UInt8(ascii: "d"):
                add(UInt8(ascii: "0")...UInt8(ascii: "9"))
                return .some(nil)
            case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E:
                return .some(escaped)
            default:
                return .none
            }
        }
        while index < members.endIndex {
            guard let first = member() else { return nil }
            guard let first else { continue }
            // `a-z`; a `-` that ends the class is itself a member.
            if index < members.endIndex - 1, members[index] == UInt8(ascii: "-") {
                index += 1
                guard let last = member(), let last, first <= last else { return nil }
                add(first...last)
            } else {
                add(first...first)
            }
        }
    }

    private mutating func add(_ range: ClosedRange<UInt8>) {
        for byte in range {
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
        }
    }

    /// Whether the whole of `text` matches.
    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard !bytes.isEmpty else { return allowsEmpty }
            for byte in bytes {
                // Bytes of multi-byte characters are 0x80 and above: never members.
                guard byte < 0x80, (byte < 64 ? low >> UInt64(byte) : high >> UInt64(byte - 64)) & 1 == 1 else { return false }
            }
            return true
        }
    }
}
