@testable import AWSWire
import Foundation
import Testing

struct CharacterClassPatternTests {
    static let models: [ServiceModel] = [.iam, .sts, .cloudTrail, .organizations, .ssoAdmin, .identityStore, .ssoOIDC, .ssoPortal]
    static let patterns = Set(models.flatMap { $0.shapes.values.compactMap(\.pattern) }).sorted()

    @Test func readsTheIAMNamePatterns() throws {
        let name = try #require(CharacterClassPattern(#"[\w+=,.@-]+"#))
        #expect(name.matches("alice.smith@example.com"))
        #expect(name.matches("a_b-c+d=e,f"))
        #expect(!name.matches(""))
        #expect(!name.matches("alice smith"))
        #expect(!name.matches("alicé"))
        #expect(!name.matches("alice\n"))
        #expect(try #require(CharacterClassPattern(#"[\w+=,.@-]*"#)).matches(""))
        #expect(try #require(CharacterClassPattern("^[a-zA-Z0-9:/+=,.@_-]+$")).matches("arn:aws:iam::123456789012:user/a"))
    }

    @Test(arguments: [#"[\u0009\u000A\u000D\u0020-\u00FF]+"#, #"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"#, "[^a]+", "[a-z]{1,3}", "(a|b)", "[a&&b]+", "[z-a]+"])
    func leavesOtherPatternsToTheRegularExpression(pattern: String) {
        #expect(CharacterClassPattern(pattern) == nil)
    }

    /// Every class pattern of the served models decides as its regular expression does, over texts
    /// drawn from the class's own characters, its neighbours, line breaks and non-ASCII letters.
    @Test func agreesWithTheRegularExpressionOnEveryServedPattern() throws {
        let classPatterns = Self.patterns.filter { CharacterClassPattern($0) != nil }
        #expect(classPatterns.contains(#"[\w+=,.@-]+"#))
        // Every printable ASCII character, line breaks, controls and a few non-ASCII letters.
        let alphabet = (0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) } + ["\n", "\t", "\u{0}", "\u{7F}", "é", "ß", "日"]
        var generator = SplitMix64(seed: 20_261_123)
        for pattern in classPatterns {
            let table = try #require(CharacterClassPattern(pattern))
            let expression = PatternCache.expression(pattern)
            #expect(expression != nil, "\(pattern)")
            // Mostly characters the class takes, so that long texts match too.
            let members = alphabet.filter { table.matches(String($0)) }
            #expect(!members.isEmpty, "\(pattern)")
            for length in 0..<8 {
                for _ in 0..<200 {
                    let text = String((0..<length).map { _ in
                        (Int.random(in: 0..<10, using: &generator) < 8 ? members : alphabet).randomElement(using: &generator)!
                    })
                    #expect(table.matches(text) == PatternCache.matches(expression, text), "\(pattern) on \(text.debugDescription)")
                }
            }
        }
    }

    /// In Java, a `-` right after `\w` or `\d` in a bracket is a literal, never a range.
    @Test func aHyphenAfterAClassIsALiteral() throws {
        let expression = PatternCache.expression(#"[\w-a]+"#)
        #expect(PatternCache.matches(expression, "x-_9"))
        #expect(!PatternCache.matches(expression, "x^"))
        #expect(!PatternCache.matches(expression, "é"))
        let table = try #require(CharacterClassPattern(#"[\w-a]+"#))
        for text in ["x-_9", "x^", "é", "`", "["] { #expect(table.matches(text) == PatternCache.matches(expression, text), "\(text)") }
        #expect(PatternCache.matches(PatternCache.expression(#"[\d-z]+"#), "1-z"))
        #expect(!PatternCache.matches(PatternCache.expression(#"[\d-z]+"#), "5a"))
    }

    @Test func aTrailingLineBreakDoesNotMatch() {
        #expect(!PatternCache.matches(PatternCache.expression(#"[\w]+"#), "abc\n"))
        #expect(!PatternCache.matches(PatternCache.expression(#"\d{12}"#), "123456789012\n"))
        #expect(PatternCache.matches(PatternCache.expression(#"\d{12}"#), "123456789012"))
    }
}

/// A seeded generator, so that a failing text can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
