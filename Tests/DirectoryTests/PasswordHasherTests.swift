import Directory
import Testing

struct PasswordHasherTests {
    let hasher = try! PasswordHasher(cost: 10)

    @Test func verifiesTheRightPasswordOnly() async {
        let hash = await hasher.hash("Correct-Horse-9")
        #expect(await hasher.verify("Correct-Horse-9", hash: hash))
        #expect(!(await hasher.verify("correct-Horse-9", hash: hash)))
        #expect(!(await hasher.verify("", hash: hash)))
    }

    @Test func hashIsSaltedAndCarriesTheCost() async {
        let one = await hasher.hash("Correct-Horse-9")
        let two = await hasher.hash("Correct-Horse-9")
        #expect(one != two)
        #expect(one.hasPrefix("$2"))
        #expect(one.contains("$10$"))
        #expect(!one.contains("Correct-Horse-9"))
    }

    @Test func passwordsDifferingOnlyAfterByte72AreToldApart() async {
        // Plain bcrypt reads 72 bytes and ignores the rest; the SHA-256 pre-hash sees them all.
        let prefix = String(repeating: "Aa1!", count: 18)
        #expect(prefix.utf8.count == 72)
        let hash = await hasher.hash(prefix + "X")
        #expect(await hasher.verify(prefix + "X", hash: hash))
        #expect(!(await hasher.verify(prefix + "Y", hash: hash)))
        #expect(!(await hasher.verify(prefix, hash: hash)))
    }

    @Test func passwordsDifferingOnlyAfterANULAreToldApart() async {
        let hash = await hasher.hash("Correct\0Horse")
        #expect(await hasher.verify("Correct\0Horse", hash: hash))
        #expect(!(await hasher.verify("Correct\0Mouse", hash: hash)))
        #expect(!(await hasher.verify("Correct", hash: hash)))
    }

    @Test(arguments: [0, 9, 32, 255] as [UInt8])
    func costOutsideTenToThirtyOneIsRefused(cost: UInt8) {
        let error = #expect(throws: DirectoryError.self) { try PasswordHasher(cost: cost) }
        #expect(error?.kind == .invalidInput)
    }

    @Test func costBoundsAreAccepted() throws {
        #expect(try PasswordHasher(cost: 10).cost == 10)
        #expect(try PasswordHasher(cost: 31).cost == 31)
    }

    @Test func directoryRefusesCostNine() async {
        let error = await #expect(throws: DirectoryError.self) {
            let directory = try await Directory.open(dataDirectory: nil, bcryptCost: 9, logger: Scratch.logger)
            try await directory.close()
        }
        #expect(error?.kind == .invalidInput)
    }
}
