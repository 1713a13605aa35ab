/// An IPv4 or IPv6 network (`203.0.113.0/24`, `2001:db8::/32`), for `IpAddress` conditions.
struct Network: Sendable {
    let address: UInt128
    let isV6: Bool
    let prefix: Int

    init?(cidr text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let (address, isV6) = Network.parse(parts[0]) else { return nil }
        let bits = isV6 ? 128 : 32
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...bits).contains(prefix) else { return nil }
            self.prefix = prefix
        } else {
            prefix = bits
        }
        self.address = address
        self.isV6 = isV6
    }

    func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.isV6 == isV6 else { return false }
        guard prefix > 0 else { return true }
        let shift = UInt128((isV6 ? 128 : 32) - prefix)
        return candidate.value >> shift == address >> shift
    }

    /// Dotted-quad IPv4 or RFC 4291 IPv6 text (IPv4 without allocating: every request value is tried).
    static func parse(_ text: Substring) -> (UInt128, Bool)? {
        if text.utf8.contains(UInt8(ascii: ":")) { return parseV6(text).map { ($0, true) } }
        var value: UInt128 = 0
        var octet = 0
        var digits = 0
        var octets = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return nil }
                value = value << 8 | UInt128(octet)
                octets += 1
                octet = 0
                digits = 0
            } else if byte >= 48, byte <= 57, digits < 3 {
                octet = octet * 10 + Int(byte - 48)
                digits += 1
                guard octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, octets == 3 else { return nil }
        return (value << 8 | UInt128(octet), false)
    }

    static func parseV6(_ text: Substring) -> UInt128? {
        var head: UInt128 = 0
        var headCount = 0
        var tail: UInt128 = 0
        var tailCount = 0
        var inTail = false
        var index = text.startIndex
        if text.hasPrefix("::") {
            inTail = true
            index = text.index(index, offsetBy: 2)
        }
        var group = Substring(text[index...])
        while !group.isEmpty {
            let end = group.firstIndex(of: ":") ?? group.endIndex
            // One to four hex digits (no sign, which `UInt16(_:radix:)` would take).
            let digits = group[..<end]
            guard (1...4).contains(digits.utf8.count), digits.utf8.allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") }),
                let value = UInt16(digits, radix: 16)
            else { return nil }
            if inTail {
                tail = tail << 16 | UInt128(value)
                tailCount += 1
            } else {
                head = head << 16 | UInt128(value)
                headCount += 1
            }
            group = group[end...]
            if group.hasPrefix("::") {
                guard !inTail else { return nil }
                inTail = true
                group = group.dropFirst(2)
            } else if group.hasPrefix(":") {
                group = group.dropFirst()
            }
        }
        guard headCount + tailCount <= 8, inTail || headCount == 8 else { return nil }
        return head << UInt128(16 * (8 - headCount)) | tail
    }
}

/// An IPv4 or IPv6 address from a request, parsed once when the request context is built.
struct IPAddress: Sendable {
    let value: UInt128
    let isV6: Bool

    /// Whether a byte can appear in address text (hex digits, `.` and `:`).
    static func mayContain(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 58) || byte == UInt8(ascii: ".") || (byte | 0x20 >= 97 && byte | 0x20 <= 102)
    }

    init?(_ text: String) {
        guard let (value, isV6) = Network.parse(Substring(text)) else { return nil }
        self.value = value
        self.isV6 = isV6
    }
}

/// Dates in conditions: ISO 8601 (`2026-11-22`, `2026-11-22T12:00:00Z`, with fractions and offsets) or epoch seconds.
enum DateText {
    static func seconds(_ text: String) -> Double? {
        Double(text) ?? iso8601(text)
    }

    static func iso8601(_ text: String) -> Double? {
        var text = text
        return text.withUTF8(iso8601)
    }

    static func iso8601(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<(start + count)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), bytes.count >= 10, bytes[4] == 45, bytes[7] == 45, let month = number(5, 2), let day = number(8, 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Double(daysFromCivil(year, month, day) * 86_400)
        guard bytes.count > 10 else { return seconds }
        guard bytes[10] == 84 || bytes[10] == 116, let hour = number(11, 2), bytes.count >= 16, bytes[13] == 58, let minute = number(14, 2)
        else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        var index = 16
        if index < bytes.count, bytes[index] == 58, let second = number(17, 2) {
            seconds += Double(second)
            index = 19
            if index < bytes.count, bytes[index] == 46 {
                index += 1
                var scale = 0.1
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    seconds += Double(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
            }
        }
        if index == bytes.count { return seconds }
        if bytes[index] == 90 || bytes[index] == 122, index + 1 == bytes.count { return seconds }
        guard bytes[index] == 43 || bytes[index] == 45, let hours = number(index + 1, 2), let minutes = number(index + 4, 2), index + 6 == bytes.count
        else { return nil }
        let offset = Double(hours * 3600 + minutes * 60)
        return bytes[index] == 43 ? seconds - offset : seconds + offset
    }

    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }
}

/// Base64 for `BinaryEquals`.
enum Base64Text {
    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        return decode(text.utf8, { out.append($0); return true }) ? out : nil
    }

    /// Whether `text` is the base64 encoding of `bytes` (decoded in place: the request path allocates nothing).
    static func decodes(_ text: Slice<UnsafeBufferPointer<UInt8>>, to bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var position = 0
        let read = decode(text) { byte in
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }
        return read && position == bytes.count
    }

    /// Decodes `text`, handing each byte to `take`; false when the text is not base64 or `take` stops.
    static func decode(_ text: some Sequence<UInt8>, _ take: (UInt8) -> Bool) -> Bool {
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text {
            let value: UInt8
            switch byte {
            case 65...90: value = byte - 65
            case 97...122: value = byte - 71
            case 48...57: value = byte + 4
            case 43: value = 62
            case 47: value = 63
            case 61: continue
            default: return false
            }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                guard take(UInt8(truncatingIfNeeded: buffer >> UInt32(bits))) else { return false }
            }
        }
        return true
    }
}
