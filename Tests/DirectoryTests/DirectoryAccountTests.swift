import Directory
import Foundation
import Storage
import Testing

struct DirectoryAccountTests {
    @Test func accountIdsAreTwelveDigitsAndDistinct() async throws {
        try await Scratch.withDirectory { directory in
            let prod = try await directory.createAccount(name: "Prod", email: "ops@example.com")
            let dev = try await directory.createAccount(name: "Dev", email: "dev@example.com")
            for id in [prod.accountId, dev.accountId] {
                #expect(id.count == 12)
                #expect(id.allSatisfy { $0.isASCII && $0.isNumber })
                #expect(id != DevAccount.id)
            }
            #expect(prod.accountId != dev.accountId)
            #expect(prod.accessKeyId == nil)
            #expect(prod.secretAccessKey == nil)
            let account = try #require(directory.account(id: prod.accountId))
            #expect(account.id == prod.accountId)
            #expect(account.name == "Prod")
            #expect(account.email == "ops@example.com")
            #expect(directory.snapshot.accounts.count == 2)
            #expect(directory.snapshot.credentials.isEmpty)
        }
    }

    @Test func duplicateEmailIsRefusedIgnoringCase() async throws {
        try await Scratch.withDirectory { directory in
            _ = try await directory.createAccount(name: "Prod", email: "ops@example.com")
            let error = await #expect(throws: DirectoryError.self) {
                try await directory.createAccount(name: "Prod again", email: "Ops@Example.COM", rootAccessKey: true)
            }
            #expect(error?.kind == .alreadyExists)
            #expect(error?.message.contains("Ops@Example.COM") == true)
            #expect(directory.snapshot.accounts.count == 1)
            #expect(directory.snapshot.credentials.isEmpty)
            #expect(try await directory.store.read { try await $0.accounts() }.count == 1)
            #expect(try await directory.store.read { try await $0.accessKeys() }.isEmpty)
        }
    }

    @Test(arguments: [
        "bad", "a@b.c", "no-at.example.com", "two@@example.com", "sp ace@example.com", "@example.com", "ops@localhost",
        String(repeating: "a", count: 53) + "@example.com",
    ])
    func badEmailIsInvalidInput(email: String) async throws {
        try await Scratch.withDirectory { directory in
            let error = await #expect(throws: DirectoryError.self) { try await directory.createAccount(name: "Prod", email: email) }
            #expect(error?.kind == .invalidInput)
            #expect(directory.snapshot.accounts.isEmpty)
        }
    }

    @Test(arguments: ["", String(repeating: "n", count: 51), "two\nlines"])
    func badNameIsInvalidInput(name: String) async throws {
        try await Scratch.withDirectory { directory in
            let error = await #expect(throws: DirectoryError.self) { try await directory.createAccount(name: name, email: "ops@example.com") }
            #expect(error?.kind == .invalidInput)
            #expect(directory.snapshot.accounts.isEmpty)
        }
    }

    @Test(arguments: [
        "Short1!", "alllowercaseletters", "ALLUPPER123", "NoDigitsOrSymbols", "lower-and-symbols!", "Aa1" + String(repeating: "x", count: 126),
    ])
    func weakPasswordIsInvalidInput(password: String) async throws {
        try await Scratch.withDirectory { directory in
            let error = await #expect(throws: DirectoryError.self) {
                try await directory.createAccount(name: "Prod", email: "ops@example.com", password: password)
            }
            #expect(error?.kind == .invalidInput)
            #expect(directory.snapshot.accounts.isEmpty)
        }
    }

    @Test func rootPasswordIsStoredAsItsBcryptHash() async throws {
        try await Scratch.withDirectory { directory in
            let created = try await directory.createAccount(name: "Prod", email: "ops@example.com", password: "Correct-Horse-9")
            let record = try #require(try await directory.store.read { try await $0.account(id: created.accountId) })
            let hash = try #require(record.rootPasswordHash)
            #expect(!hash.contains("Correct-Horse-9"))
            let hasher = try PasswordHasher(cost: 10)
            #expect(await hasher.verify("Correct-Horse-9", hash: hash))
            #expect(!(await hasher.verify("Correct-Horse-8", hash: hash)))
        }
    }

    @Test func rootAccessKeyIsAKIAWithFortyCharacterSecret() async throws {
        try await Scratch.withDirectory { directory in
            let created = try await directory.createAccount(name: "Prod", email: "ops@example.com", rootAccessKey: true)
            let keyId = try #require(created.accessKeyId)
            let secret = try #require(created.secretAccessKey)
            #expect(keyId.hasPrefix("AKIA"))
            #expect(keyId.count == 20)
            #expect(keyId.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) })
            #expect(secret.count == 40)

            let credential = try #require(directory.credential(accessKeyId: keyId))
            #expect(credential.accessKeyId == keyId)
            #expect(credential.secret == secret)
            #expect(credential.active)
            #expect(credential.expiresAt == nil)
            #expect(directory.principal(for: credential)! == Principal.root(of: created.accountId))
            #expect(directory.principal(for: credential)!.arn == "arn:aws:iam::\(created.accountId):root")
            #expect(directory.principal(for: credential)!.userId == created.accountId)
            #expect(directory.principal(for: credential)!.username == "root")
        }
    }

    @Test func secretIsStoredSealed() async throws {
        try await Scratch.withDirectory { directory in
            let created = try await directory.createAccount(name: "Prod", email: "ops@example.com", rootAccessKey: true)
            let keyId = try #require(created.accessKeyId)
            let secret = Array(try #require(created.secretAccessKey).utf8)
            let record = try #require(try await directory.store.read { try await $0.accessKey(id: keyId) })
            #expect(record.accountId == created.accountId)
            #expect(record.status == "Active")
            #expect(record.userName == nil)
            // AES-GCM combined form: 12-byte nonce, 40-byte ciphertext, 16-byte tag.
            #expect(record.secretSealed.count == 12 + 40 + 16)
            #expect(!Scratch.bytes(record.secretSealed, contain: secret))
            #expect(!Scratch.bytes(record.secretSealed, contain: Array(secret[0..<8])))
        }
    }

    @Test func createAccountIsAuditedWithoutTheSecret() async throws {
        try await Scratch.withDirectory { directory in
            let created = try await directory.createAccount(name: "Prod", email: "ops@example.com", rootAccessKey: true)
            let events = try await directory.auditTrail.lookup(AuditQuery(accountId: created.accountId, limit: 10))
            let event = try #require(events.first)
            #expect(events.count == 1)
            #expect(event.eventName == "CreateAccount")
            #expect(event.eventSource == "gatehouse")
            #expect(!event.readOnly)
            #expect(event.username == nil)
            #expect(event.resources == [AuditResource(type: "AWS::Organizations::Account", name: created.accountId)])
            #expect(event.record.contains(try #require(created.accessKeyId)))
            #expect(!event.record.contains(try #require(created.secretAccessKey)))
            let byResource = try await directory.auditTrail.lookup(
                AuditQuery(accountId: created.accountId, attribute: .resourceName(created.accountId), limit: 10)
            )
            #expect(byResource.map(\.eventId) == [event.eventId])
        }
    }

    @Test func devAccountIsMadeOnce() async throws {
        try await Scratch.withDirectory { directory in
            #expect(try await directory.ensureDevAccount())
            #expect(!(try await directory.ensureDevAccount()))
            let account = try #require(directory.account(id: "000000000000"))
            #expect(account.name == "dev")
            #expect(account.email == "dev@gatehouse.local")
            let credential = try #require(directory.credential(accessKeyId: "test"))
            #expect(credential.secret == "test")
            #expect(directory.principal(for: credential)!.arn == "arn:aws:iam::000000000000:root")
            #expect(try await directory.store.read { try await $0.accounts() }.count == 1)
            #expect(try await directory.store.read { try await $0.accessKeys() }.map(\.id) == ["test"])
        }
    }
}
