import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

/// How long a connection may take and how many one client address may hold.
///
/// The head timeout bounds reading a request head and a keep-alive connection's idle time between requests (a head
/// sent a byte at a time never completes, so it times out); the body timeout bounds reading one request's body from
/// its head to its end; the per-address cap bounds the connections open at once from one client address.
public struct ConnectionLimits: Sendable, Equatable {
    /// Seconds to read a request head, and to wait idle for the next one.
    public var headTimeout: Int
    /// Seconds to read a request body.
    public var bodyTimeout: Int
    /// Connections one client address may hold open at once.
    public var perAddress: Int

    public init(headTimeout: Int = 20, bodyTimeout: Int = 60, perAddress: Int = 256) {
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.perAddress = perAddress
    }

    /// Refuses limits that cannot work.
    func validate() throws {
        guard headTimeout > 0, bodyTimeout > 0 else { throw ConfigurationError("connection timeouts must be at least 1 second") }
        guard perAddress > 0 else { throw ConfigurationError("--max-connections-per-address must be at least 1") }
    }
}

/// The open connections of one server, counted by client address.
final class ConnectionCounts: Sendable {
    private let counts = NIOLockedValueBox<[String: Int]>([:])
    let limit: Int
    /// Addresses that are not capped (trusted proxies).
    let uncapped: Set<String>

    init(limit: Int, uncapped: Set<String> = []) {
        self.limit = limit
        self.uncapped = uncapped
    }

    /// Counts a connection from `address`, unless the address already holds ``limit``.
    func admit(_ address: String) -> Bool {
        if uncapped.contains(address) { return true }
        return counts.withLockedValue { counts in
            let open = counts[address, default: 0]
            guard open < limit else { return false }
            counts[address] = open + 1
            return true
        }
    }

    /// Forgets a connection that ``admit(_:)`` counted.
    func release(_ address: String) {
        if uncapped.contains(address) { return }
        counts.withLockedValue { counts in
            let open = counts[address, default: 1] - 1
            counts[address] = open > 0 ? open : nil
        }
    }
}

/// Closes a connection at once when its client address already holds its share of connections, and closes one whose
/// request body is not read within the body timeout. (Hummingbird's idle timeout, set to the head timeout, closes
/// connections that are slow to send a head or idle between requests.)
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let counts: ConnectionCounts
    private let bodyTimeout: TimeAmount
    private var counted: String?
    private var refused = false
    private var bodyDeadline: Scheduled<Void>?

    init(counts: ConnectionCounts, bodyTimeout: TimeAmount) {
        self.counts = counts
        self.bodyTimeout = bodyTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit(context)
        if !refused { context.fireChannelActive() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        switch unwrapInboundIn(data) {
        case .head:
            bodyDeadline?.cancel()
            bodyDeadline = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: bodyTimeout) {
                context.close(promise: nil)
            }
        case .end:
            bodyDeadline?.cancel()
            bodyDeadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    private func admit(_ context: ChannelHandlerContext) {
        guard counted == nil, !refused else { return }
        let address = context.channel.remoteAddress?.ipAddress ?? ""
        if counts.admit(address) {
            counted = address
        } else {
            refused = true
            context.close(promise: nil)
        }
    }

    private func release() {
        bodyDeadline?.cancel()
        bodyDeadline = nil
        if let counted { counts.release(counted) }
        counted = nil
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
