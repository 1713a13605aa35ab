import Foundation
import Testing

@testable import Directory

/// The snapshot takes the values this process wrote instead of decoding their text again.
struct DocumentCodingTests {
    @Test func theSnapshotTakesAWrittenValueOnce() throws {
        var policy = PasswordPolicy()
        policy.minimumPasswordLength = 17
        policy.maxPasswordAge = Int.random(in: 1...1_000_000)
        let text = try DocumentCoding.encodeDocument(policy)
        #expect(DocumentCoding.isKept(text))
        #expect(try DocumentCoding.snapshotValue(PasswordPolicy.self, text) == policy)
        #expect(!DocumentCoding.isKept(text))
        // Read again (by another refresh, or text another process wrote), it is decoded: the same value.
        #expect(try DocumentCoding.snapshotValue(PasswordPolicy.self, text) == policy)
    }

    @Test func plainEncodingKeepsNothing() throws {
        var policy = PasswordPolicy()
        policy.maxPasswordAge = Int.random(in: 1_000_001...2_000_000)
        #expect(!DocumentCoding.isKept(try DocumentCoding.encode(policy)))
    }

    @Test func aValueOfAnotherTypeIsDecoded() throws {
        var settings = AccountSettings()
        settings.alias = "kept-\(Int.random(in: 1...1_000_000))"
        let text = try DocumentCoding.encodeDocument(settings)
        // Asked for as another type, the kept value does not fit and the text is decoded (and fails here).
        #expect(throws: (any Error).self) { try DocumentCoding.snapshotValue(PasswordPolicy.self, text) }
        #expect(try DocumentCoding.snapshotValue(AccountSettings.self, text).alias == settings.alias)
    }
}
