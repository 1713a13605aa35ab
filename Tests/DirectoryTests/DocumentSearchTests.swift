@testable import Directory
import Foundation
import Storage
import Testing

/// Checks that look for one name among an account's documents (`DocumentTransaction.all(_:_:holding:)`) find
/// it however the document was written: by this process, or with `/` escaped by Foundation's `JSONEncoder`
/// before documents were written in one pass.
struct DocumentSearchTests {
    static let arn = "arn:aws:iam::111122223333:policy/team/shared"

    @Test func findsNamesAndARNsInEitherSpelling() async throws {
        try await Scratch.withDirectory { directory in
            let legacy = JSONEncoder()
            legacy.dateEncodingStrategy = .secondsSince1970
            func user(_ name: String, groups: [String] = [], policies: [String] = []) -> IAMUser {
                IAMUser(name: name, id: "AIDA\(name)", path: "/", arn: "arn:aws:iam::111122223333:user/\(name)", created: Date(),
                        groups: groups, attachedPolicies: policies)
            }
            try await directory.store.write { session in
                let tx = DocumentTransaction(session: session, accountId: "111122223333")
                // Written as before: every `/` escaped.
                let old = user("old", policies: [Self.arn])
                #expect(String(decoding: try legacy.encode(old), as: UTF8.self).contains(#"policy\/team\/shared"#))
                try await session.put(DocumentRecord(accountId: "111122223333", kind: "user", key: "old", body: String(decoding: try legacy.encode(old), as: UTF8.self)))
                try await tx.put(user("new", groups: ["Devs"], policies: [Self.arn]), .user, "new")
                try await tx.put(user("near", groups: ["devs-2"], policies: [Self.arn + "-2"]), .user, "near")
            }
            let (byARN, byGroup, byExactCase) = try await directory.store.write { session in
                let tx = DocumentTransaction(session: session, accountId: "111122223333")
                return (
                    try await tx.all(IAMUser.self, kind: "user", holding: Self.arn, ignoringCase: false).map(\.name),
                    try await tx.all(IAMUser.self, kind: "user", holding: "devs", ignoringCase: true).map(\.name),
                    try await tx.all(IAMUser.self, kind: "user", holding: "devs", ignoringCase: false).map(\.name)
                )
            }
            // Identity store names may hold quotes, backslashes and letters beyond ASCII.
            let (quoted, beyondASCII) = try await directory.store.write { session in
                let tx = DocumentTransaction(session: session, accountId: "111122223333")
                for name in [#"say "hi"\now"#, "Jürgen", "plain"] {
                    let user = IdentityStoreUser(id: name, userName: name, attributes: "{}", created: Date(), createdBy: "test", updated: Date(), updatedBy: "test")
                    try await tx.put(user, kind: IdentityCenterDocumentKind.user.rawValue, name)
                }
                return (
                    try await tx.all(IdentityStoreUser.self, kind: IdentityCenterDocumentKind.user.rawValue, holding: #"SAY "HI"\NOW"#, ignoringCase: true).map(\.userName),
                    try await tx.all(IdentityStoreUser.self, kind: IdentityCenterDocumentKind.user.rawValue, holding: "JÜRGEN", ignoringCase: true).map(\.userName)
                )
            }
            #expect(quoted == [#"say "hi"\now"#])
            #expect(beyondASCII.count == 3, "beyond ASCII, every document is read and the caller compares")
            #expect(byARN == ["new", "old"])
            #expect(byGroup == ["new"])
            #expect(byExactCase.isEmpty)
        }
    }
}
