@testable import Directory
import Foundation
import Storage
import Testing

/// Start-up decodes documents on every core, then applies them in order: the values must come back in the
/// documents' order, each as the type the snapshot applies.
struct StartUpDecodingTests {
    @Test func decodedAheadInOrderAsTheSnapshotTakesThem() async throws {
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        var documents: [DocumentRecord] = []
        for n in 0..<5_000 {
            let user = IAMUser(name: "user-\(n)", id: "AIDA\(n)", path: "/", arn: "arn:aws:iam::111122223333:user/user-\(n)", created: created)
            documents.append(DocumentRecord(accountId: "111122223333", kind: "user", key: user.name, body: try DocumentCoding.encode(user)))
            if n % 1_000 == 0 {
                // Kinds decoded in `apply` itself come back empty, in their place.
                documents.append(DocumentRecord(accountId: "111122223333", kind: "settings", key: "account", body: #"{"alias":"a\#(n)"}"#))
                let person = IdentityStoreUser(
                    id: "u-\(n)", userName: "p\(n)", attributes: "{}", created: created, createdBy: "", updated: created, updatedBy: "")
                documents.append(DocumentRecord(accountId: "111122223333", kind: "ids_user", key: person.id, body: try DocumentCoding.encode(person)))
            }
        }
        let decoded = try await Directory.decodeAhead(documents)
        #expect(decoded.count == documents.count)
        for (document, value) in zip(documents, decoded) {
            switch document.kind {
            case "user": #expect((value as? IAMUser)?.name == document.key)
            case "ids_user": #expect((value as? IdentityStoreUser)?.id == document.key)
            default: #expect(value == nil)
            }
        }
        // Applied with the values decoded ahead, or decoding each document itself: the same snapshot.
        var ahead = DirectorySnapshot()
        var alone = DirectorySnapshot()
        for (document, value) in zip(documents, decoded) {
            try ahead.apply(accountId: document.accountId, kind: document.kind, key: document.key, body: document.body, kept: value)
            try alone.apply(accountId: document.accountId, kind: document.kind, key: document.key, body: document.body)
        }
        #expect(Array(ahead.iam["111122223333"]!.users.values) == Array(alone.iam["111122223333"]!.users.values))
        #expect(ahead.iam["111122223333"]?.settings.alias == "a4000")
        #expect(ahead.identityCenter["111122223333"]?.user(named: "P3000")?.id == "u-3000")
    }

    @Test func anEmptyStoreDecodesNothing() async throws {
        #expect(try await Directory.decodeAhead([]).isEmpty)
    }

    @Test func claimKindsShareThePrefixStartUpSkips() {
        #expect(IdentityStoreClaimKind.allCases.allSatisfy { $0.rawValue.hasPrefix(IdentityStoreClaimKind.namePrefix) })
        #expect(!IdentityCenterDocumentKind.allCases.contains { $0.rawValue.hasPrefix(IdentityStoreClaimKind.namePrefix) })
    }
}
