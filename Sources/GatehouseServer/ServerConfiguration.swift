import Logging

/// How a Gatehouse server runs. Defaults are the safe ones: loopback only, data in `./.gatehouse`.
public struct ServerConfiguration: Sendable {
    /// Host to listen on.
    public var host: String
    /// Port to listen on; 0 picks a free one.
    public var port: Int
    /// The data folder; `nil` keeps everything in memory (tests).
    public var dataDirectory: String?
    /// Create the development account `000000000000` with root key `test`/`test`.
    public var dev: Bool
    public var logLevel: Logger.Level
    /// bcrypt cost for passwords (10...31).
    public var bcryptCost: UInt8
    /// Largest request body accepted, in bytes.
    public var maxBodySize: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 7070,
        dataDirectory: String? = ".gatehouse",
        dev: Bool = false,
        logLevel: Logger.Level = .info,
        bcryptCost: UInt8 = 12,
        maxBodySize: Int = 1 << 20
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.dev = dev
        self.logLevel = logLevel
        self.bcryptCost = bcryptCost
        self.maxBodySize = maxBodySize
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
