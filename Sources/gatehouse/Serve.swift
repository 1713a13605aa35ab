import ArgumentParser
import Directory
import Foundation
import GatehouseServer
import Hummingbird
import Logging
import Metrics
import Prometheus

/// `gatehouse serve`: run the server until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Gatehouse: the AWS endpoint for every service, on one port.",
        discussion: "Flags take precedence over GATEHOUSE_* environment variables, which take precedence over the --config file."
    )

    @OptionGroup var settings: SettingsOptions

    @Option(help: "host:port to listen on. [env: GATEHOUSE_LISTEN] (default: 127.0.0.1:7070)")
    var listen: String?

    @Flag(help: "Create, once, the development account 000000000000 whose root user has the access key test / test. [env: GATEHOUSE_DEV]")
    var dev = false

    @Option(help: "trace, debug, info, notice, warning, error or critical. [env: GATEHOUSE_LOG_LEVEL] (default: info)")
    var logLevel: String?

    @Option(help: "The development account's ID; suites written for moto expect 123456789012. [env: GATEHOUSE_DEV_ACCOUNT_ID] (default: 000000000000)")
    var devAccountId: String?

    @Flag(
        help:
            "Emulator mode for test suites: unknown keys act as the development account's root user and authorization is not enforced. Implies --dev. Never use it for anything real. [env: GATEHOUSE_PERMISSIVE]"
    )
    var permissive = false

    @Option(help: "The address people reach this server at, for links in mail and security keys (default: http://localhost:<port> on loopback). [env: GATEHOUSE_PUBLIC_URL]")
    var publicUrl: String?

    @Option(help: "Deliver mail through this SMTP relay, smtp://host:port (STARTTLS whenever it offers it); without it, mail stays in <data dir>/outbox/. [env: GATEHOUSE_SMTP_URL]")
    var smtpUrl: String?

    @Option(help: "CA certificates (PEM) the relay's STARTTLS certificate must chain to, in place of the system's. [env: GATEHOUSE_SMTP_CA_FILE]")
    var smtpCaFile: String?

    @Flag(
        help:
            "Serve the development reset calls (POST /_gatehouse/reset, /_gatehouse/reset-auth, and moto's /moto-api/ paths) without --permissive. Needs --dev; a reset is refused while the data folder holds accounts made with 'account create'. [env: GATEHOUSE_RESET_ALLOW]"
    )
    var allowReset = false

    @Flag(help: "Offer public sign-up at /console/signup: anyone can create an account after verifying their email. [env: GATEHOUSE_SIGNUP_ALLOW]")
    var allowSignup = false

    @Option(help: "Seconds a client has to send a request head, and a connection may sit idle between requests. [env: GATEHOUSE_CONNECTION_HEAD_TIMEOUT] (default: 20)")
    var headTimeout: Int?

    @Option(help: "Seconds a client has to send a request body. [env: GATEHOUSE_CONNECTION_BODY_TIMEOUT] (default: 60)")
    var bodyTimeout: Int?

    @Option(help: "Connections one client address may hold open at once. [env: GATEHOUSE_CONNECTION_MAX_PER_ADDRESS] (default: 256)")
    var maxConnectionsPerAddress: Int?

    @Option(
        help:
            "The address of a reverse proxy in front of the server (repeat for several): its X-Forwarded-For names the client. [env: GATEHOUSE_TRUSTED_PROXIES, comma-separated]"
    )
    var trustedProxy: [String] = []

    @Option(help: "Serve HTTPS with this certificate chain (PEM); needs --tls-key. [env: GATEHOUSE_TLS_CERT]")
    var tlsCert: String?

    @Option(help: "The TLS certificate's private key (PEM). [env: GATEHOUSE_TLS_KEY]")
    var tlsKey: String?

    func run() async throws {
        var configuration = try await settings.configuration()
        if let listen { try configuration.setListen(listen) }
        if dev { configuration.dev = true }
        if permissive { configuration.permissive = true }
        if allowSignup { configuration.allowSignup = true }
        if allowReset { configuration.allowReset = true }
        if let smtpUrl { configuration.smtpURL = smtpUrl }
        if let publicUrl { configuration.publicURL = publicUrl }
        if let smtpCaFile { configuration.smtpCAFile = smtpCaFile }
        if let devAccountId { configuration.devAccountId = devAccountId }
        if let headTimeout { configuration.connectionLimits.headTimeout = headTimeout }
        if let bodyTimeout { configuration.connectionLimits.bodyTimeout = bodyTimeout }
        if let maxConnectionsPerAddress { configuration.connectionLimits.perAddress = maxConnectionsPerAddress }
        if !trustedProxy.isEmpty { configuration.trustedProxies = trustedProxy }
        if let tlsCert { configuration.tlsCertificate = tlsCert }
        if let tlsKey { configuration.tlsKey = tlsKey }
        try configuration.validate()
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel.lowercased()) else { throw ValidationError("unknown log level '\(logLevel)'") }
            configuration.logLevel = level
        }
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "gatehouse")
        logger.logLevel = level

        let directory = try await Directory.open(dataDirectory: configuration.dataDirectory, bcryptCost: configuration.bcryptCost, logger: logger)
        do {
            try await serve(configuration: configuration, directory: directory, registry: registry, logger: logger)
        } catch {
            // Whatever stops the server, the store is closed (and the audit trail flushed) first.
            try? await directory.close()
            throw error
        }
        try await directory.close()
    }

    func serve(configuration: ServerConfiguration, directory: Directory, registry: PrometheusCollectorRegistry, logger: Logger) async throws {
        if configuration.dev, try await directory.ensureDevAccount(id: configuration.devAccountId) {
            logger.notice("created the development account", metadata: ["account": "\(configuration.devAccountId)"])
        }
        if configuration.permissive {
            logger.warning(
                "PERMISSIVE MODE: requests with unknown or no keys act as the root user of the development account, and no request is authorized. For test suites only."
            )
        }
        if configuration.servesResets {
            logger.warning(
                "development resets are on: POST /_gatehouse/reset erases the data folder and /_gatehouse/reset-auth lets requests of the development account go unchecked"
            )
        }
        if configuration.allowSignup { logger.notice("public sign-up is on: /console/signup") }
        let (host, announce, account, serverLogger) = (configuration.host, configuration.dev, configuration.devAccountId, logger)
        let scheme = configuration.servesTLS ? "https" : "http"
        let app = try await buildApplication(configuration: configuration, directory: directory, metrics: registry, logger: logger) { port in
            serverLogger.notice("listening", metadata: ["address": "\(scheme)://\(host):\(port)"])
            if announce { Self.printDevUsage(url: "\(scheme)://\(host):\(port)", account: account) }
        }
        try await app.runService()
    }

    static func printDevUsage(url: String, account: String) {
        // Written unbuffered: whoever reads the output needs it now, not at exit.
        FileHandle.standardOutput.write(
            Data(
                """
            Gatehouse is serving \(url) with the development account \(account).
            Use it with the aws CLI or any AWS SDK:

                export AWS_ENDPOINT_URL=\(url)
                export AWS_ACCESS_KEY_ID=\(DevAccount.accessKeyId) AWS_SECRET_ACCESS_KEY=\(DevAccount.secret) AWS_DEFAULT_REGION=us-east-1
                aws sts get-caller-identity

            """.utf8))
    }
}
