import ArgumentParser

/// `gatehouse`: run the server and administer its data folder.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A self-hosted identity and access plane that speaks the AWS APIs.",
        subcommands: [Serve.self, AccountCommand.self, IdentityCenterCommand.self, MFACommand.self, LoginCommand.self, PolicyCommand.self, AuditCommand.self]
    )
}
