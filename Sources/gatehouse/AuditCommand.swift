import ArgumentParser
import Directory
import GatehouseServer
import Logging

/// `gatehouse audit ...`: inspect the audit trail in the data folder.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Inspect the audit trail.",
        subcommands: [Verify.self]
    )

    /// `gatehouse audit verify`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check that no audit event was changed, removed or reordered (the hash chain).")

        @OptionGroup var settings: SettingsOptions

        func run() async throws {
            let configuration = try await settings.configuration()
            var logger = Logger(label: "gatehouse")
            logger.logLevel = .warning
            let directory = try await Directory.open(dataDirectory: configuration.dataDirectory, logger: logger)
            let result = try await directory.auditTrail.verifyChain()
            try await directory.close()
            if let broken = result.brokenAt {
                print("The audit trail is broken at event #\(broken), after \(result.events) intact events.")
                throw ExitCode(2)
            }
            print("The audit trail is intact: \(result.events) events, each chained to the one before.")
        }
    }
}
