import Configuration
import Foundation
import Logging

extension ServerConfiguration {
    /// Reads the settings from a configuration reader, over `defaults`.
    ///
    /// Keys: `listen`, `data.dir`, `dev`, `dev.account.id`, `permissive`, `log.level`, `bcrypt.cost`, `signup.allow`, `reset.allow`, `public.url`, `smtp.url`, `smtp.ca.file`, `connection.head.timeout`, `connection.body.timeout`, `connection.max.per.address`, `trusted.proxies` (comma-separated), `tls.cert`, `tls.key`. With an
    /// `EnvironmentVariablesProvider` these are `GATEHOUSE_LISTEN`, `GATEHOUSE_DATA_DIR`, `GATEHOUSE_DEV`,
    /// `GATEHOUSE_DEV_ACCOUNT_ID`, `GATEHOUSE_PERMISSIVE`, `GATEHOUSE_LOG_LEVEL`, `GATEHOUSE_BCRYPT_COST`, `GATEHOUSE_SIGNUP_ALLOW`, `GATEHOUSE_RESET_ALLOW`, `GATEHOUSE_PUBLIC_URL`, `GATEHOUSE_SMTP_URL`, `GATEHOUSE_SMTP_CA_FILE`, `GATEHOUSE_CONNECTION_HEAD_TIMEOUT`, `GATEHOUSE_CONNECTION_BODY_TIMEOUT`, `GATEHOUSE_CONNECTION_MAX_PER_ADDRESS`, `GATEHOUSE_TRUSTED_PROXIES`, `GATEHOUSE_TLS_CERT`, `GATEHOUSE_TLS_KEY`; in a JSON config
    /// file, `{"listen": "...", "data": {"dir": "..."}, "dev": true, "log": {"level": "debug"}}`.
    public init(reader: ConfigReader, defaults: ServerConfiguration = ServerConfiguration()) throws {
        self = defaults
        if let listen = reader.string(forKey: "listen") { try setListen(listen) }
        if let directory = reader.string(forKey: "data.dir") { dataDirectory = directory }
        dev = reader.bool(forKey: "dev", default: defaults.dev)
        permissive = reader.bool(forKey: "permissive", default: defaults.permissive)
        allowSignup = reader.bool(forKey: "signup.allow", default: defaults.allowSignup)
        allowReset = reader.bool(forKey: "reset.allow", default: defaults.allowReset)
        if let url = reader.string(forKey: "public.url") { publicURL = url }
        if let url = reader.string(forKey: "smtp.url") { smtpURL = url }
        if let file = reader.string(forKey: "smtp.ca.file") { smtpCAFile = file }
        if let file = reader.string(forKey: "tls.cert") { tlsCertificate = file }
        if let file = reader.string(forKey: "tls.key") { tlsKey = file }
        if let id = reader.string(forKey: "dev.account.id") { devAccountId = id }
        if let level = reader.string(forKey: "log.level") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError("unknown log level '\(level)' (trace, debug, info, notice, warning, error, critical)")
            }
            logLevel = parsed
        }
        connectionLimits.headTimeout = reader.int(forKey: "connection.head.timeout", default: defaults.connectionLimits.headTimeout)
        connectionLimits.bodyTimeout = reader.int(forKey: "connection.body.timeout", default: defaults.connectionLimits.bodyTimeout)
        connectionLimits.perAddress = reader.int(forKey: "connection.max.per.address", default: defaults.connectionLimits.perAddress)
        if let proxies = reader.string(forKey: "trusted.proxies") {
            trustedProxies = proxies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let cost = reader.int(forKey: "bcrypt.cost", default: Int(defaults.bcryptCost))
        guard (10...31).contains(cost) else { throw ConfigurationError("bcrypt cost must be between 10 and 31, got \(cost)") }
        bcryptCost = UInt8(cost)
    }
}
