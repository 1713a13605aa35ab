import Directory
import Foundation
import Storage
import Testing

struct TemporaryCredentialsTests {
    @Test func issuedKeyCarriesATokenAndAnExpiry() async throws {
        try await Scratch.withDirectory { directory in
            let account = try await directory.createAccount(name: "Prod", email: "ops@example.com")
            let now = Date(timeIntervalSince1970: 1_795_357_815)
            let issued = try await directory.issueTemporaryCredentials(accountId: account.accountId, duration: 3600, now: now)
            #expect(issued.accessKeyId.hasPrefix("ASIA"))
            #expect(issued.accessKeyId.count == 20)
            #expect(issued.secretAccessKey.count == 40)
            #expect(issued.expiration == now.addingTimeInterval(3600))
            #expect(Data(base64Encoded: issued.sessionToken)?.count == 64)

            let credential = try #require(directory.credential(accessKeyId: issued.accessKeyId))
            #expect(credential.secret == issued.secretAccessKey)
            #expect(directory.principal(for: credential)! == Principal.root(of: account.accountId))
            #expect(credential.expiresAt == now.timeIntervalSince1970 + 3600)
            #expect(credential.acceptsSessionToken(issued.sessionToken))
            #expect(!credential.acceptsSessionToken(nil))
            #expect(!credential.acceptsSessionToken(issued.sessionToken + "x"))
            #expect(!credential.acceptsSessionToken(""))

            // Only the token's SHA-256 is stored, and the secret only sealed.
            let record = try #require(try await directory.store.read { try await $0.accessKey(id: issued.accessKeyId) })
            #expect(record.sessionTokenHash?.count == 32)
            #expect(!Scratch.bytes(record.secretSealed, contain: Array(issued.secretAccessKey.utf8)))
        }
    }

    @Test func longTermKeyTakesNoSessionToken() async throws {
        try await Scratch.withDirectory { directory in
            let account = try await directory.createAccount(name: "Prod", email: "ops@example.com", rootAccessKey: true)
            let keyId = try #require(account.accessKeyId)
            let credential = try #require(directory.credential(accessKeyId: keyId))
            #expect(credential.sessionTokenHash == nil)
            #expect(credential.acceptsSessionToken(nil))
            #expect(!credential.acceptsSessionToken("anything"))
        }
    }

    @Test func unknownAccountIsNotFound() async throws {
        try await Scratch.withDirectory { directory in
            let error = await #expect(throws: DirectoryError.self) {
                try await directory.issueTemporaryCredentials(accountId: "999999999999", duration: 3600)
            }
            #expect(error?.kind == .notFound)
            #expect(directory.snapshot.credentials.isEmpty)
        }
    }

    @Test func anotherInstanceAcceptsTheTokenAfterRefresh() async throws {
        try await Scratch.withFolder { folder in
            let first = try await folder.openDirectory()
            let second = try await folder.openDirectory()
            let account = try await first.createAccount(name: "Prod", email: "ops@example.com")
            let issued = try await first.issueTemporaryCredentials(accountId: account.accountId, duration: 900)
            try await second.refresh()
            let credential = try #require(second.credential(accessKeyId: issued.accessKeyId))
            #expect(credential.secret == issued.secretAccessKey)
            #expect(credential.acceptsSessionToken(issued.sessionToken))
        }
    }
}
