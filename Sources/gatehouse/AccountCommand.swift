import ArgumentParser
import Directory
import Foundation
import GatehouseServer
import Logging

/// `gatehouse account ...`: manage accounts directly in the data folder.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Manage accounts in the data folder (works whether or not a server runs on it).",
        subcommands: [Create.self]
    )

    /// `gatehouse account create`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account (a new 12-digit ID) and its root user.",
            discussion: "A server running on the same data folder sees the new account within a second."
        )

        @OptionGroup var settings: SettingsOptions

        @Option(help: "The root user's email address (its sign-in name).")
        var email: String

        @Option(help: "The account name.")
        var name: String

        @Flag(help: "Read the root user's password from standard input.")
        var passwordStdin = false

        @Flag(help: "Also give the root user an access key (shown once).")
        var rootAccessKey = false

        @Flag(help: "Print {\"AccountId\", \"AccessKeyId\", \"SecretAccessKey\"} as JSON.")
        var json = false

        func run() async throws {
            let configuration = try await settings.configuration()
            var password: String?
            if passwordStdin {
                let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                password = String(text.trimmingSuffix { $0 == "\n" || $0 == "\r" })
            }
            var logger = Logger(label: "gatehouse")
            logger.logLevel = .warning
            let directory = try await Directory.open(dataDirectory: configuration.dataDirectory, bcryptCost: configuration.bcryptCost, logger: logger)
            let created: CreatedAccount
            do {
                created = try await directory.createAccount(name: name, email: email, password: password, rootAccessKey: rootAccessKey)
            } catch let error as DirectoryError {
                try await directory.close()
                throw ValidationError(error.message)
            }
            try await directory.close()
            if json {
                var fields = ["\"AccountId\":\"\(created.accountId)\""]
                if let key = created.accessKeyId, let secret = created.secretAccessKey {
                    fields += ["\"AccessKeyId\":\"\(key)\"", "\"SecretAccessKey\":\"\(secret.replacingOccurrences(of: "/", with: "\\/"))\""]
                }
                print("{" + fields.joined(separator: ",") + "}")
            } else {
                print("Created account \(created.accountId) (\(name)) with root user \(email).")
                if let key = created.accessKeyId, let secret = created.secretAccessKey {
                    print("Root access key: \(key)\nSecret access key (shown this once): \(secret)")
                }
            }
        }
    }
}

extension String {
    func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[..<end]
    }
}
