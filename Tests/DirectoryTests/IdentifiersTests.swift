@testable import Directory
import Foundation
import Testing

struct IdentifiersTests {
    @Test func keyIdsAreThePrefixAndBase32() {
        let id = Identifiers.prefixed("AKIA")
        #expect(id.count == 20)
        #expect(id.hasPrefix("AKIA"))
        #expect(id.dropFirst(4).allSatisfy { Identifiers.base32.contains($0) })
        #expect(Identifiers.prefixed("AIDA", length: 17).count == 21)
    }

    /// Every character of the alphabet comes up about equally often: 80,000 draws of 64 characters,
    /// 1,250 expected each (a standard deviation of 35), bounds seven deviations wide.
    @Test func secretsDrawEveryCharacterAlike() {
        var counts: [Character: Int] = [:]
        for _ in 0..<2_000 {
            let secret = Identifiers.secret()
            #expect(secret.count == 40)
            for character in secret { counts[character, default: 0] += 1 }
        }
        #expect(Set(counts.keys) == Set(Identifiers.secretAlphabet))
        #expect(counts.values.allSatisfy { (1_000...1_500).contains($0) }, "\(counts.values.sorted())")
    }

    @Test func twoDrawsDiffer() {
        #expect(Identifiers.secret() != Identifiers.secret())
        #expect(Identifiers.prefixed("AKIA") != Identifiers.prefixed("AKIA"))
    }
}

struct UUIDTests {
    /// A version 4 UUID in lower case, as Foundation reads it back, with its random bits all in play.
    @Test func uuidsAreVersionFourInLowerCase() throws {
        var seen = Set<String>()
        var orBits = [UInt8](repeating: 0, count: 16)
        var andBits = [UInt8](repeating: 0xFF, count: 16)
        for _ in 0..<500 {
            let text = Identifiers.uuid()
            #expect(text.utf8.count == 36)
            #expect(text == text.lowercased())
            let uuid = try #require(UUID(uuidString: text))
            #expect(uuid.uuidString.lowercased() == text)
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            #expect(bytes[6] >> 4 == 4)
            #expect(bytes[8] >> 6 == 0b10)
            for index in 0..<16 {
                orBits[index] |= bytes[index]
                andBits[index] &= bytes[index]
            }
            seen.insert(text)
        }
        #expect(seen.count == 500)
        // Every bit but the version's and the variant's took both values.
        #expect(orBits.enumerated().allSatisfy { $0.element == [6: 0x4F, 8: 0xBF][$0.offset, default: 0xFF] })
        #expect(andBits.enumerated().allSatisfy { $0.element == [6: 0x40, 8: 0x80][$0.offset, default: 0] })
    }
}

struct TimeOrderedUUIDTests {
    /// A version 7 UUID: the milliseconds first, so that IDs sort as their times do, then random bits.
    @Test func carriesTheTimeAndSortsByIt() throws {
        let date = Date(timeIntervalSince1970: 1_795_000_000.123)
        let text = Identifiers.timeOrderedUUID(at: date)
        let uuid = try #require(UUID(uuidString: text))
        #expect(uuid.uuidString.lowercased() == text)
        let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        #expect(bytes[0..<6].reduce(0) { $0 << 8 | UInt64($1) } == 1_795_000_000_123)
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
        #expect(Identifiers.timeOrderedUUID(at: date) != text)
        let later = Identifiers.timeOrderedUUID(at: date.addingTimeInterval(0.001))
        #expect(later > text)
    }
}
