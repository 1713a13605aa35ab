import ArgumentParser
import Directory
import Foundation

/// `gatehouse mfa ...`: MFA devices the operator provides.
struct MFACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mfa", abstract: "MFA devices the operator provides: hardware TOTP tokens.", subcommands: [AddHardwareToken.self])

    /// `gatehouse mfa add-hardware-token`.
    struct AddHardwareToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a hardware TOTP token's seed (base 32, from the maker's seed file, read from standard input) so a user can assign it by serial number and two codes.")

        @OptionGroup var settings: SettingsOptions
        @Option(help: "The serial number printed on the token (9 to 64 letters, digits and hyphens).") var serialNumber: String

        func run() async throws {
            guard let line = readLine(strippingNewline: true), let seed = TOTP.base32Decode(line), !seed.isEmpty else {
                throw ValidationError("Give the token's seed in base 32 on standard input.")
            }
            try await settings.withDirectory { try await $0.addHardwareToken(serialNumber: serialNumber, seed: seed) }
            print(serialNumber)
        }
    }
}
