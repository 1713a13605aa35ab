import Directory
import Foundation
import Testing

/// Two `Directory` instances on one data folder stand for two processes sharing it.
struct ChangeFeedTests {
    @Test func secondInstanceSeesAccountAfterRefresh() async throws {
        try await Scratch.withFolder { folder in
            let first = try await folder.openDirectory()
            let second = try await folder.openDirectory()
            let created = try await first.createAccount(name: "Prod", email: "ops@example.com", rootAccessKey: true)
            let keyId = try #require(created.accessKeyId)

            // The request path reads memory only: nothing shows until the feed is followed.
            #expect(second.account(id: created.accountId) == nil)
            #expect(second.credential(accessKeyId: keyId) == nil)
            try await second.refresh()
            let account = try #require(second.account(id: created.accountId))
            #expect(account.name == "Prod")
            #expect(account.email == "ops@example.com")
            let credential = try #require(second.credential(accessKeyId: keyId))
            #expect(credential.secret == created.secretAccessKey)
            #expect(second.principal(for: credential)!.arn == "arn:aws:iam::\(created.accountId):root")
            #expect(second.snapshot.revision == first.snapshot.revision)
            #expect(second.snapshot.revision > 0)

            // And the other way round.
            #expect(try await second.ensureDevAccount())
            #expect(first.credential(accessKeyId: "test") == nil)
            try await first.refresh()
            #expect(first.credential(accessKeyId: "test")?.secret == "test")
            #expect(!(try await first.ensureDevAccount()))

            // The email rule holds across instances, whatever either has in memory.
            let duplicate = await #expect(throws: DirectoryError.self) { try await second.createAccount(name: "Again", email: "OPS@example.com") }
            #expect(duplicate?.kind == .alreadyExists)
        }
    }

    @Test func refreshWithoutChangesKeepsTheSnapshot() async throws {
        try await Scratch.withFolder { folder in
            let directory = try await folder.openDirectory()
            let created = try await directory.createAccount(name: "Prod", email: "ops@example.com", rootAccessKey: true)
            let revision = directory.snapshot.revision
            try await directory.refresh()
            try await directory.refresh()
            #expect(directory.snapshot.revision == revision)
            #expect(directory.snapshot.accounts.count == 1)
            #expect(directory.credential(accessKeyId: try #require(created.accessKeyId)) != nil)
        }
    }

    @Test func reopeningLoadsEverythingFromDisk() async throws {
        try await Scratch.withFolder { folder in
            let first = try await folder.openDirectory()
            let prod = try await first.createAccount(name: "Prod", email: "ops@example.com", rootAccessKey: true)
            let dev = try await first.createAccount(name: "Dev", email: "dev@example.com", rootAccessKey: true)
            let revision = first.snapshot.revision
            try await folder.close(first)

            let reopened = try await folder.openDirectory()
            #expect(reopened.snapshot.revision == revision)
            #expect(Set(reopened.snapshot.accounts.keys) == [prod.accountId, dev.accountId])
            #expect(reopened.credential(accessKeyId: try #require(prod.accessKeyId))?.secret == prod.secretAccessKey)
            #expect(reopened.credential(accessKeyId: try #require(dev.accessKeyId))?.secret == dev.secretAccessKey)
        }
    }

    @Test func firstOpensRacingOnAnEmptyFolderShareOneKeyAndSchema() async throws {
        try await Scratch.withFolder { folder in
            async let racing = folder.openDirectory()
            let one = try await folder.openDirectory()
            let other = try await racing
            let created = try await one.createAccount(name: "Prod", email: "ops@example.com", rootAccessKey: true)
            // `refresh` unseals the new key's secret: it works only if both opened the same instance key.
            try await other.refresh()
            #expect(other.credential(accessKeyId: try #require(created.accessKeyId))?.secret == created.secretAccessKey)
        }
    }
}
