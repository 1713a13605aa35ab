import Foundation
import Logging
import NIOCore

/// How a Gatehouse server runs. Defaults are the safe ones: loopback only, data in `./.gatehouse`.
public struct ServerConfiguration: Sendable {
    /// Host to listen on.
    public var host: String
    /// Port to listen on; 0 picks a free one.
    public var port: Int
    /// The data folder; `nil` keeps everything in memory (tests).
    public var dataDirectory: String?
    /// Create the development account (``devAccountId``) with root key `test`/`test`.
    public var dev: Bool
    /// The development account's ID (suites written for moto expect `123456789012`).
    public var devAccountId: String
    /// Emulator-compatible mode: unknown keys act as the development account's root user and
    /// authorization is not enforced. Implies ``dev``. Never the default.
    public var permissive: Bool
    public var logLevel: Logger.Level
    /// bcrypt cost for passwords (10...31).
    public var bcryptCost: UInt8
    /// Largest request body accepted, in bytes.
    public var maxBodySize: Int
    /// Serve the development reset calls (`/_gatehouse/reset`, `/_gatehouse/reset-auth` and moto's paths) without
    /// ``permissive``. A reset is still refused while the store holds accounts of its own (made by `account create`).
    public var allowReset: Bool
    /// Whether the console offers public sign-up (`/console/signup`, with email verification). Off by default.
    public var allowSignup: Bool
    /// The address people reach the server at (`https://gatehouse.example.com`): every link in mail, the sign-in
    /// URL shown with new users, and the WebAuthn relying party (its host is the RP ID) come from it, never from a
    /// request's Host header. Without it: `http://localhost:<port>` for a loopback listener, else `http://<host>:<port>`.
    public var publicURL: String?
    /// The SMTP relay that delivers the outbox (`smtp://host:port`); without one, mail stays in `<data dir>/outbox/`.
    public var smtpURL: String?
    /// A PEM file of CA certificates the relay's STARTTLS certificate must chain to (else the system's).
    public var smtpCAFile: String?
    /// Timeouts for reading requests and the cap on connections per client address.
    public var connectionLimits: ConnectionLimits
    /// The addresses of reverse proxies in front of the server: their `X-Forwarded-For` names the client, and their
    /// connections are not capped per address. Without any, `X-Forwarded-For` is ignored.
    public var trustedProxies: [String]
    /// Serve HTTPS with this certificate chain (PEM) and ``tlsKey``; the public URL is then `https://`, cookies are
    /// `Secure` and pages send HSTS.
    public var tlsCertificate: String?
    /// The TLS certificate's private key (PEM).
    public var tlsKey: String?

    public init(
        host: String = "127.0.0.1",
        port: Int = 7070,
        dataDirectory: String? = ".gatehouse",
        dev: Bool = false,
        devAccountId: String = "000000000000",
        permissive: Bool = false,
        logLevel: Logger.Level = .info,
        bcryptCost: UInt8 = 12,
        maxBodySize: Int = 1 << 20,
        allowSignup: Bool = false,
        allowReset: Bool = false,
        publicURL: String? = nil,
        smtpURL: String? = nil,
        smtpCAFile: String? = nil,
        connectionLimits: ConnectionLimits = ConnectionLimits(),
        trustedProxies: [String] = [],
        tlsCertificate: String? = nil,
        tlsKey: String? = nil
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.dev = dev
        self.devAccountId = devAccountId
        self.permissive = permissive
        self.logLevel = logLevel
        self.bcryptCost = bcryptCost
        self.maxBodySize = maxBodySize
        self.allowSignup = allowSignup
        self.allowReset = allowReset
        self.publicURL = publicURL
        self.smtpURL = smtpURL
        self.smtpCAFile = smtpCAFile
        self.connectionLimits = connectionLimits
        self.trustedProxies = trustedProxies
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
    }

    /// Checks the settings that depend on each other.
    public mutating func validate() throws {
        guard devAccountId.count == 12, devAccountId.allSatisfy(\.isNumber) else {
            throw ConfigurationError("--dev-account-id must be 12 digits, got '\(devAccountId)'")
        }
        if permissive { dev = true }
        try connectionLimits.validate()
        trustedProxies = try trustedProxies.map { address in
            guard let parsed = try? SocketAddress(ipAddress: address, port: 0), let text = parsed.ipAddress else {
                throw ConfigurationError("--trusted-proxy expects an IP address, got '\(address)'")
            }
            return text
        }
        if allowReset, !dev { throw ConfigurationError("--allow-reset needs --dev (or --permissive)") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ConfigurationError("--tls-cert and --tls-key go together") }
        for file in [tlsCertificate, tlsKey].compactMap({ $0 }) where !FileManager.default.isReadableFile(atPath: file) {
            throw ConfigurationError("cannot read the TLS file '\(file)'")
        }
        if let publicURL {
            guard let url = URLComponents(string: publicURL), ["http", "https"].contains(url.scheme ?? ""), let host = url.host, !host.isEmpty,
                url.path.isEmpty || url.path == "/", url.query == nil, url.user == nil
            else { throw ConfigurationError("--public-url must look like https://gatehouse.example.com[:port], got '\(publicURL)'") }
            self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        }
    }

    /// Whether the development reset calls are served: under ``permissive``, or when asked for with ``allowReset``.
    public var servesResets: Bool { permissive || allowReset }

    /// Whether the server itself serves HTTPS.
    public var servesTLS: Bool { tlsCertificate != nil }

    /// ``publicURL``, or the listener's own address (`localhost` for loopback: WebAuthn needs a domain name).
    public var effectivePublicURL: String {
        if let publicURL { return publicURL }
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(host)
        let shownHost = loopback ? "localhost" : (host.contains(":") ? "[\(host)]" : host)
        return "\(servesTLS ? "https" : "http")://\(shownHost):\(port)"
    }

    /// Sets host and port from `host:port` (`127.0.0.1:7070`, `[::1]:7070`, `:7070`).
    public mutating func setListen(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ConfigurationError("--listen expects host:port, got '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? "127.0.0.1" : host
        self.port = port
    }
}

/// A setting that cannot be used, with the reason.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
