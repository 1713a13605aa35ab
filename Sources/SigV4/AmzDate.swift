/// A SigV4 timestamp: `20150830T123600Z` (ISO 8601 basic format, UTC), as seconds since 1970.
public struct AmzDate: Sendable, Hashable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var epochSeconds: Int64

    public init(epochSeconds: Int64) {
        self.epochSeconds = epochSeconds
    }

    /// Parses `YYYYMMDD'T'HHMMSS'Z'`; `nil` when malformed.
    public init?(basic text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Parses an RFC 7231 `Date` header: `Sun, 30 Aug 2015 12:36:00 GMT`.
    public init?(httpDate text: some StringProtocol) {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":")
        guard time.count == 3, let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2]),
            (1...31).contains(day), (0...9999).contains(year), (0..<24).contains(hour), (0..<60).contains(minute), (0..<61).contains(second)
        else { return nil }
        self.init(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
    }

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        // Days from civil date (proleptic Gregorian), Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        epochSeconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// `YYYYMMDD'T'HHMMSS'Z'`.
    public var basic: String { text(dayOnly: false) }

    /// `YYYYMMDD`.
    public var day: String { text(dayOnly: true) }

    private func text(dayOnly: Bool) -> String {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let secondsOfDay = Int(epochSeconds - days * 86_400)
        // Civil date from days, the inverse of the above.
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        // Years outside 0...9999 do not fit the format's four digits; they are written whole.
        guard (0...9999).contains(year) else {
            let rest = String(100 + month).dropFirst() + String(100 + day).dropFirst()
            let time = "T" + String(100 + secondsOfDay / 3600).dropFirst() + String(100 + secondsOfDay / 60 % 60).dropFirst()
                + String(100 + secondsOfDay % 60).dropFirst() + "Z"
            return String(year) + rest + (dayOnly ? "" : time)
        }
        return String(unsafeUninitializedCapacity: dayOnly ? 8 : 16) { buffer in
            func put(_ value: Int, _ width: Int, at start: Int) {
                var value = value
                for index in stride(from: start + width - 1, through: start, by: -1) {
                    buffer[index] = UInt8(48 + value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0)
            put(month, 2, at: 4)
            put(day, 2, at: 6)
            guard !dayOnly else { return 8 }
            buffer[8] = UInt8(ascii: "T")
            put(secondsOfDay / 3600, 2, at: 9)
            put(secondsOfDay / 60 % 60, 2, at: 11)
            put(secondsOfDay % 60, 2, at: 13)
            buffer[15] = UInt8(ascii: "Z")
            return 16
        }
    }

    public static func < (lhs: AmzDate, rhs: AmzDate) -> Bool { lhs.epochSeconds < rhs.epochSeconds }
}
