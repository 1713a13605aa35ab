import ArgumentParser
import Directory
import Foundation
import GatehouseServer
import Logging
import Storage

/// `gatehouse audit ...`: inspect the audit trail in the data folder.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Inspect the audit trail.",
        subcommands: [Verify.self, PublicKey.self]
    )

    /// `gatehouse audit verify`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that no audit event was changed, removed or reordered (the hash chain), and every signed checkpoint.",
            discussion: """
                A checkpoint signs where the chain ended, every minute that events were added and whenever a process closes \
                the data folder: events removed from the end, a checkpoint removed and a rebuilt chain are all found. \
                With --public-key (from 'gatehouse audit public-key', kept elsewhere), the checkpoints must be signed by that key; \
                with --expect (a checkpoint from the server's log or an earlier verify), the trail must still reach it, so \
                removing the newest checkpoints with the events they signed is found too.
                """)

        @OptionGroup var settings: SettingsOptions
        @Option(help: "Verify the checkpoints with this public key (base64) instead of the data folder's own.") var publicKey: String?
        @Option(help: "A checkpoint kept elsewhere, ID:SIGNATURE (from the server's log or an earlier verify): it must still be there.")
        var expect: String?

        func run() async throws {
            let configuration = try await settings.configuration()
            var logger = Logger(label: "gatehouse")
            logger.logLevel = .warning
            var expected: (id: Int64, signature: String)?
            if let expect {
                guard let colon = expect.firstIndex(of: ":"), let id = Int64(expect[..<colon]) else {
                    throw ValidationError("--expect takes ID:SIGNATURE, got '\(expect)'")
                }
                expected = (id, String(expect[expect.index(after: colon)...]))
            }
            let directory = try await Directory.open(dataDirectory: configuration.dataDirectory, logger: logger)
            let result = try await directory.auditTrail.verify(publicKey: publicKey, expected: expected)
            try await directory.store.close()
            if let broken = result.brokenAt {
                print("The audit trail is broken at event #\(broken), after \(result.events) intact events.")
                throw ExitCode(2)
            }
            if let problem = result.problem {
                print("The audit trail does not match its signed checkpoints: \(problem).")
                throw ExitCode(2)
            }
            print("The audit trail is intact: \(result.events) events, each chained to the one before.")
            if let newest = result.newestCheckpoint {
                let time = ISO8601DateFormatter().string(from: newest.createdAt)
                print("\(result.checkpoints) signed checkpoints hold; the newest, made \(time), ends at event #\(newest.eventSeq).")
                print("Keep it elsewhere, to check later that no newer part was removed: --expect \(newest.id):\(newest.signature)")
            } else {
                print("No signed checkpoint yet.")
            }
            if result.unsigned > 0 { print("\(result.unsigned) events are newer than the newest checkpoint.") }
        }
    }

    /// `gatehouse audit public-key`.
    struct PublicKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "public-key",
            abstract: "Print the public key (Ed25519, base64) that verifies the audit trail's checkpoints; keep it outside the data folder.")

        @OptionGroup var settings: SettingsOptions

        func run() async throws {
            let configuration = try await settings.configuration()
            var logger = Logger(label: "gatehouse")
            logger.logLevel = .warning
            let directory = try await Directory.open(dataDirectory: configuration.dataDirectory, logger: logger)
            print(directory.auditTrail.publicKey)
            try await directory.store.close()
        }
    }
}
