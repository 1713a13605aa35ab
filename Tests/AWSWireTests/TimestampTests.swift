import AWSWire
import Foundation
import Testing

struct TimestampTests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00Z"),
        (1_795_357_815, "2026-11-22T14:30:15Z"),
        (1_709_208_000, "2024-02-29T12:00:00Z"),
        (951_868_800, "2000-03-01T00:00:00Z"),
        (-1, "1969-12-31T23:59:59Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"),
    ])
    func writesAndReadsBack(seconds: Double, text: String) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(Timestamp.iso8601(date) == text)
        #expect(Timestamp.parse(text) == date)
    }

    @Test(arguments: [
        (1_531_141_014.0, "Jul 9, 2018 12:56:54 PM"),
        (1_795_357_815.9, "Nov 22, 2026 2:30:15 PM"),
        (1_709_164_800.0, "Feb 29, 2024 12:00:00 AM"),
        (1_709_207_999.0, "Feb 29, 2024 11:59:59 AM"),
        (946_684_799.0, "Dec 31, 1999 11:59:59 PM"),
        (-1.0, "Dec 31, 1969 11:59:59 PM"),
        // Four digits of year, as Java's `yyyy` writes them.
        (-30_610_224_001.0, "Dec 31, 0999 11:59:59 PM"),
    ])
    func writesCloudTrailTimestamps(seconds: Double, text: String) {
        #expect(Timestamp.cloudTrail(Date(timeIntervalSince1970: seconds)) == text)
    }

    /// Epoch seconds are a timestamp from the first second of year 1 to the last of 9999, and nothing else.
    @Test func epochSecondsWithinTheCalendar() {
        #expect(Timestamp.date(epochSeconds: -62_135_596_800) == Date(timeIntervalSince1970: -62_135_596_800))
        #expect(Timestamp.date(epochSeconds: 253_402_300_799) == Date(timeIntervalSince1970: 253_402_300_799))
        #expect(Timestamp.date(epochSeconds: 1_795_357_815.5) == Date(timeIntervalSince1970: 1_795_357_815.5))
        for outside in [-62_135_596_801, 253_402_300_800, 1e300, -1e300, .infinity, -.infinity, .nan] as [Double] {
            #expect(Timestamp.date(epochSeconds: outside) == nil, "\(outside)")
        }
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: -62_135_596_800)) == "0001-01-01T00:00:00Z")
        #expect(Timestamp.cloudTrail(Date(timeIntervalSince1970: 253_402_300_799)) == "Dec 31, 9999 11:59:59 PM")
    }

    @Test func writtenTimestampsReadBack() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let seconds = Double(Int64.random(in: -62_135_596_800...253_402_300_799, using: &generator))
            let text = Timestamp.iso8601(Date(timeIntervalSince1970: seconds))
            #expect(text.utf8.count == 20)
            #expect(try #require(Timestamp.parse(text)).timeIntervalSince1970 == seconds, "\(text)")
        }
    }

    @Test func fractionsAreDroppedWhenWritten() {
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 1_795_357_815.999)) == "2026-11-22T14:30:15Z")
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
    }

    @Test func fractionalSecondsAreRead() throws {
        let date = try #require(Timestamp.parse("2026-11-22T14:30:15.250Z"))
        #expect(abs(date.timeIntervalSince1970 - 1_795_357_815.25) < 1e-6)
        let micro = try #require(Timestamp.parse("2026-11-22T14:30:15.123456Z"))
        #expect(abs(micro.timeIntervalSince1970 - 1_795_357_815.123456) < 1e-6)
        #expect(Timestamp.iso8601(micro) == "2026-11-22T14:30:15Z")
    }

    @Test(arguments: ["2026-11-22T16:30:15+02:00", "2026-11-22T09:00:15-05:30", "2026-11-22t14:30:15z", "2026-11-22T14:30:15+00:00"])
    func offsetsAreApplied(text: String) {
        #expect(Timestamp.parse(text) == Date(timeIntervalSince1970: 1_795_357_815))
    }

    @Test func offsetWithFraction() {
        #expect(Timestamp.parse("2026-11-23T00:00:15.5+09:30") == Date(timeIntervalSince1970: 1_795_357_815.5))
    }

    @Test(arguments: [
        "", "not a date", "2026-11-22", "2026-11-22 14:30:15Z", "2026-11-22T14:30:15", "2026-11-22T14:30:15.Z",
        "2026-11-22T14:30:15+0200", "2026-11-22T14:30:15+02", "2026-11-22T14:30:15Zjunk", "2026-11-22T14:30:15+02:00x",
        "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-32T00:00:00Z", "2026-11-22T24:00:00Z",
        "2026-11-22T14:60:00Z", "2026-11-22T14:30:61Z", "2026-02-29T00:00:00Z", "2026-02-30T00:00:00Z", "2026-04-31T00:00:00Z",
        "1900-02-29T00:00:00Z", "2026-11-22T14:30:15+24:00", "2026-11-22T14:30:15+02:60", "2O26-11-22T14:30:15Z",
        "2026-11-22T14:3a:15Z", "1795357815",
    ])
    func garbageIsRefused(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func leapDaysAreAccepted() {
        #expect(Timestamp.parse("2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parse("2000-02-29T00:00:00Z") != nil)
    }
}
