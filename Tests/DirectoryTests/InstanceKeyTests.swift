import Directory
import Foundation
import Testing

struct InstanceKeyTests {
    static func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func dataFolderKeyIsPrivateAndReused() async throws {
        try await Scratch.withFolder { folder in
            let first = try await folder.openDirectory()
            let created = try await first.createAccount(name: "Prod", email: "ops@example.com", rootAccessKey: true)
            try await folder.close(first)

            let keyPath = folder.path + "/instance.key"
            let key = try #require(FileManager.default.contents(atPath: keyPath))
            #expect(key.count == 32)
            #expect(try Self.mode(keyPath) == 0o600)
            #expect(try Self.mode(folder.path) == 0o700)
            #expect(try Self.mode(folder.path + "/gatehouse.sqlite") & 0o077 == 0)

            // A secret sealed by the first instance opens in the next one.
            let second = try await folder.openDirectory()
            #expect(second.credential(accessKeyId: try #require(created.accessKeyId))?.secret == created.secretAccessKey)
            #expect(FileManager.default.contents(atPath: keyPath) == key)
        }
    }

    @Test func secretIsNotInTheDatabaseFiles() async throws {
        try await Scratch.withFolder { folder in
            let directory = try await folder.openDirectory()
            let created = try await directory.createAccount(name: "Prod", email: "ops@example.com", rootAccessKey: true)
            var stored: [UInt8] = []
            for file in ["gatehouse.sqlite", "gatehouse.sqlite-wal"] {
                stored += FileManager.default.contents(atPath: folder.path + "/" + file).map(Array.init) ?? []
            }
            // The key ID is stored in clear, which shows the search finds what is there.
            #expect(Scratch.bytes(stored, contain: Array(try #require(created.accessKeyId).utf8)))
            #expect(!Scratch.bytes(stored, contain: Array(try #require(created.secretAccessKey).utf8)))
        }
    }

    @Test func loadOrCreateTwiceGivesTheSameKey() async throws {
        try await Scratch.withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
            let first = try InstanceKey.loadOrCreate(in: folder.path)
            let second = try InstanceKey.loadOrCreate(in: folder.path)
            let sealed = try first.seal("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", context: "AKIAEXAMPLE")
            #expect(try second.unseal(sealed, context: "AKIAEXAMPLE") == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
            // No temporary files are left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["instance.key"])
        }
    }

    @Test func sealedValueIsBoundToItsContextAndKey() throws {
        let key = InstanceKey.ephemeral()
        let sealed = try key.seal("secret", context: "AKIAONE")
        #expect(try key.unseal(sealed, context: "AKIAONE") == "secret")
        #expect(throws: (any Error).self) { try key.unseal(sealed, context: "AKIATWO") }
        #expect(throws: (any Error).self) { try InstanceKey.ephemeral().unseal(sealed, context: "AKIAONE") }
        var flipped = sealed
        flipped[14] ^= 1
        #expect(throws: (any Error).self) { try key.unseal(flipped, context: "AKIAONE") }
        // A fresh nonce each time.
        #expect(try key.seal("secret", context: "AKIAONE") != sealed)
    }

    @Test func keyFileOfWrongSizeIsRefused() async throws {
        try await Scratch.withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: folder.path + "/instance.key", contents: Data(repeating: 7, count: 16)))
            let error = #expect(throws: DirectoryError.self) { try InstanceKey.loadOrCreate(in: folder.path) }
            #expect(error?.kind == .storage)
            await #expect(throws: DirectoryError.self) { try await folder.openDirectory() }
        }
    }
}
