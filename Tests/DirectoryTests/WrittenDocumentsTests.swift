import Foundation
import Storage
import Testing

@testable import Directory

/// The snapshot takes the values this process wrote instead of decoding their text again.
struct WrittenDocumentsTests {
    @Test func aWrittenValueIsTakenOnceAndOnlyForItsText() throws {
        let written = WrittenDocuments()
        var policy = PasswordPolicy()
        policy.minimumPasswordLength = 17
        let text = try DocumentCoding.encode(policy)
        written.keep("1/passwordPolicy/account", text: text, value: policy)
        // Another text (a committed version older than a write still in flight) leaves it.
        #expect(written.take("1/passwordPolicy/account", text: "{}") == nil)
        #expect(written.take("1/passwordPolicy/account", text: nil) == nil)
        #expect(written.take("1/passwordPolicy/account", text: text) as? PasswordPolicy == policy)
        #expect(!written.isKept("1/passwordPolicy/account"))
        #expect(written.take("1/passwordPolicy/account", text: text) == nil)
    }

    @Test func aRewriteReplacesTheEntry() throws {
        let written = WrittenDocuments()
        var first = PasswordPolicy()
        first.minimumPasswordLength = 8
        var second = first
        second.minimumPasswordLength = 9
        written.keep("1/passwordPolicy/account", text: try DocumentCoding.encode(first), value: first)
        written.keep("1/passwordPolicy/account", text: try DocumentCoding.encode(second), value: second)
        #expect(written.take("1/passwordPolicy/account", text: try DocumentCoding.encode(first)) == nil)
        #expect(written.take("1/passwordPolicy/account", text: try DocumentCoding.encode(second)) as? PasswordPolicy == second)
    }

    @Test func pastTheLimitEverythingGoes() {
        let written = WrittenDocuments()
        let text = String(repeating: "x", count: WrittenDocuments.limit / 4)
        for index in 0..<4 { written.keep("1/k/\(index)", text: text, value: index) }
        #expect(written.isKept("1/k/3"))
        written.keep("1/k/4", text: text, value: 4)
        #expect(!written.isKept("1/k/0") && !written.isKept("1/k/3"))
        #expect(written.take("1/k/4", text: text) as? Int == 4)
    }

    @Test func aKeptValueOfTheTypeIsUsedAndOfAnotherTypeIsNot() throws {
        var written = AccountSettings()
        written.alias = "written"
        var kept = AccountSettings()
        kept.alias = "kept"
        let text = try DocumentCoding.encode(written)
        // Given a kept value, the text is not decoded at all.
        #expect(try DocumentCoding.value(AccountSettings.self, text, kept: kept).alias == "kept")
        #expect(try DocumentCoding.value(AccountSettings.self, text, kept: nil).alias == "written")
        #expect(throws: (any Error).self) { try DocumentCoding.value(PasswordPolicy.self, text, kept: kept) }
    }

    @Test func theSnapshotTakesWhatAWriteKept() async throws {
        try await Scratch.withDirectory { directory in
            var policy = PasswordPolicy()
            policy.minimumPasswordLength = 23
            try await directory.store.write { session in
                try await DocumentTransaction(session: session, accountId: "111122223333").put(policy, .passwordPolicy, "Account")
            }
            let id = DocumentRecord(accountId: "111122223333", kind: IAMDocumentKind.passwordPolicy.rawValue, key: "account", body: "").changeId
            #expect(directory.store.written.isKept(id))
            try await directory.catchUp()
            #expect(!directory.store.written.isKept(id))
            #expect(directory.iam("111122223333").passwordPolicy == policy)
        }
    }
}
