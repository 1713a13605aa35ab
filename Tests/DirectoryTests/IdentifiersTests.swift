@testable import Directory
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
