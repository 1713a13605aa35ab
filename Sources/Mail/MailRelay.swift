import Foundation
import Logging
import ServiceLifecycle

/// Delivers the outbox through an SMTP relay: every waiting `.eml` file (written by the server or the CLI) is
/// handed to the relay, oldest first, and moved to `sent/` once the relay accepted it. While the relay is down,
/// messages stay waiting and delivery is retried, one second after a failure and up to a minute apart; nothing
/// is dropped.
public struct MailRelay: Service {
    let outbox: Outbox
    let client: SMTPClient
    let logger: Logger

    public init(outbox: Outbox, client: SMTPClient, logger: Logger) {
        self.outbox = outbox
        self.client = client
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var backoff = 1.0
            while !Task.isCancelled {
                let delivered = await deliverWaiting()
                backoff = delivered ? 1 : min(backoff * 2, 60)
                try? await Task.sleep(for: .seconds(delivered ? 1 : backoff))
            }
        }
    }

    /// Delivers what waits; `false` when a delivery failed (the rest waits for the next round).
    func deliverWaiting() async -> Bool {
        for name in outbox.waiting() {
            do {
                let message = try outbox.read(name)
                let (sender, recipient) = Self.envelope(message)
                try await client.deliver(message, from: sender, to: recipient)
                try outbox.markSent(name)
                logger.info("mail delivered", metadata: ["mail": "\(name)", "relay": "\(client.relay.host):\(client.relay.port)"])
            } catch {
                logger.warning("mail delivery failed; it stays queued", metadata: ["mail": "\(name)", "error": "\(error)"])
                return false
            }
        }
        return true
    }

    /// The `From` and `To` of a message's header.
    static func envelope(_ message: String) -> (from: String, to: String) {
        var from = ""
        var to = ""
        for line in message.components(separatedBy: "\r\n") {
            if line.isEmpty { break }
            if line.hasPrefix("From: ") { from = String(line.dropFirst(6)) }
            if line.hasPrefix("To: ") { to = String(line.dropFirst(4)) }
        }
        return (from, to)
    }
}
