import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A mail relay's address: `smtp://host[:port]` (port 25 by default).
public struct SMTPRelayAddress: Sendable, Equatable {
    public var host: String
    public var port: Int

    /// Reads `smtp://host:port`; anything else is refused.
    public init(url: String) throws(SMTPError) {
        guard let components = URLComponents(string: url), components.scheme == "smtp", let host = components.host, !host.isEmpty,
            components.user == nil, (components.path.isEmpty || components.path == "/")
        else { throw SMTPError("--smtp-url must look like smtp://host:port, got \(url)") }
        self.host = host
        port = components.port ?? 25
    }

    /// Whether the relay runs on this machine.
    var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// A failed delivery, with the relay's words when it gave any.
public struct SMTPError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Hands one message to a relay over SMTP (RFC 5321): EHLO, STARTTLS (the certificate is checked; there is no
/// falling back to plain text), MAIL FROM, RCPT TO, DATA, QUIT. A relay that offers no STARTTLS gets nothing,
/// unless it is on this machine (loopback), where nobody can listen in or strip the offer.
public struct SMTPClient: Sendable {
    public let relay: SMTPRelayAddress
    /// The TLS settings for STARTTLS (trust roots: the system's, or the operator's CA file).
    let tls: TLSConfiguration

    public init(relay: SMTPRelayAddress, caFile: String? = nil) {
        self.relay = relay
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile { tls.trustRoots = .file(caFile) }
        self.tls = tls
    }

    /// Delivers `message` (already in RFC 5322 form with CRLF line ends) from `sender` to `recipient`.
    public func deliver(_ message: String, from sender: String, to recipient: String) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: relay.host, port: relay.port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let tlsContext = try NIOSSLContext(configuration: tls)
        try await channel.executeThenClose { inbound, outbound in
            var replies = SMTPReplies(inbound.makeAsyncIterator())
            func command(_ line: String, expect codes: Set<Int>) async throws -> SMTPReply {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
                return try await replies.expect(codes, after: line)
            }
            _ = try await replies.expect([220], after: "connecting")
            let hello = try await command("EHLO gatehouse.local", expect: [250])
            if hello.lines.dropFirst().contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) {
                _ = try await command("STARTTLS", expect: [220])
                // Anything the relay sent before the handshake would be read as if it came over TLS.
                guard replies.pending.isEmpty else { throw SMTPError("the relay sent data before the TLS handshake") }
                let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: relay.host.first?.isNumber == true ? nil : relay.host)
                try await channel.channel.pipeline.addHandler(handler, position: .first).get()
                _ = try await command("EHLO gatehouse.local", expect: [250])
            } else if !relay.isLoopback {
                throw SMTPError("the relay \(relay.host) does not offer STARTTLS; mail is not sent in plain text")
            }
            _ = try await command("MAIL FROM:<\(Self.address(sender))>", expect: [250])
            _ = try await command("RCPT TO:<\(Self.address(recipient))>", expect: [250, 251])
            _ = try await command("DATA", expect: [354])
            // Dot-stuffing: a line that starts with "." gets another.
            let body = message.replacingOccurrences(of: "\r\n.", with: "\r\n..")
            _ = try await command((body.hasPrefix(".") ? "." : "") + body + (body.hasSuffix("\r\n") ? "" : "\r\n") + ".", expect: [250])
            _ = try? await command("QUIT", expect: [221])
        }
    }

    /// The bare address of `Name <address>`, without characters that could end the SMTP command.
    static func address(_ text: String) -> String {
        let inner = text.firstIndex(of: "<").flatMap { start in text[start...].firstIndex(of: ">").map { String(text[text.index(after: start)..<$0]) } } ?? text
        return String(String.UnicodeScalarView(inner.unicodeScalars.filter { !["\r", "\n", "<", ">"].contains($0) }))
    }
}

/// A relay's reply: its code and lines.
struct SMTPReply {
    var code: Int
    var lines: [String]
}

/// Reads replies (multi-line replies joined) from the relay's byte stream.
struct SMTPReplies {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending = ""

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
        self.iterator = iterator
    }

    mutating func line() async throws -> String {
        while true {
            if let end = pending.range(of: "\r\n") {
                let line = String(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                return line
            }
            guard pending.utf8.count < 64 * 1024, var buffer = try await iterator.next() else { throw SMTPError("the relay closed the connection") }
            pending += buffer.readString(length: buffer.readableBytes) ?? ""
        }
    }

    mutating func reply() async throws -> SMTPReply {
        var lines: [String] = []
        while true {
            let line = try await line()
            guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPError("the relay answered '\(line)'") }
            lines.append(String(line.dropFirst(4)))
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return SMTPReply(code: code, lines: lines) }
        }
    }

    /// The next reply, which must have one of `codes`.
    mutating func expect(_ codes: Set<Int>, after step: String) async throws -> SMTPReply {
        let reply = try await reply()
        guard codes.contains(reply.code) else {
            let shown = step.hasPrefix("MAIL") || step.hasPrefix("RCPT") || step.hasPrefix("EHLO") || step.count < 20 ? step : "the message"
            throw SMTPError("the relay answered \(reply.code) \(reply.lines.joined(separator: " ")) to \(shown)")
        }
        return reply
    }
}
