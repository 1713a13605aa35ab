#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

    /// Whose share a connection from `peer` counts against: its IPv4 address, or its IPv6 address's /64 (one host
    /// commonly has a whole /64 to pick addresses from).
    static func key(of peer: SocketAddress?) -> String {
        guard case .v6? = peer, let text = peer?.ipAddress else { return peer?.ipAddress ?? "" }
        var raw = in6_addr()
        guard inet_pton(AF_INET6, text, &raw) == 1 else { return text }
        let bytes = withUnsafeBytes(of: raw) { Array($0) }
        let mappedIPv4 = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
        if mappedIPv4 { return peer?.ipAddress ?? "" }
        return stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":") + "::/64"
    }

    /// Counts a connection against `key`, unless it already holds ``limit``.
    func admit(_ key: String) -> Bool {
        counts.withLockedValue { counts in
            let open = counts[key, default: 0]
            guard open < limit else { return false }
            counts[key] = open + 1
            return true
        }
    }

    /// Forgets a connection that ``admit(_:)`` counted.
    func release(_ key: String) {
        counts.withLockedValue { counts in
            let open = counts[key, default: 1] - 1
            counts[key] = open > 0 ? open : nil
        }
    }
}

/// Closes a connection at once when its client address already holds its share of connections, one whose request
/// body is not read within the body timeout, and one that does not read its answers: a connection that stays
/// unwritable (the client's window full) for the stall timeout. (Hummingbird's idle timeout, set to the head timeout,
/// closes connections that are slow to send a head or idle between requests, but not while an answer is being written.)
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let counts: ConnectionCounts
    private let bodyTimeout: TimeAmount
    private let stallTimeout: TimeAmount
    private var counted: String?
    private var refused = false
    private var bodyDeadline: Scheduled<Void>?
    private var stallDeadline: Scheduled<Void>?

    init(counts: ConnectionCounts, bodyTimeout: TimeAmount, stallTimeout: TimeAmount) {
        self.counts = counts
        self.bodyTimeout = bodyTimeout
        self.stallTimeout = stallTimeout
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

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        stallDeadline?.cancel()
        stallDeadline = nil
        if !context.channel.isWritable {
            stallDeadline = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: stallTimeout) {
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    private func admit(_ context: ChannelHandlerContext) {
        guard counted == nil, !refused else { return }
        let peer = context.channel.remoteAddress
        if counts.uncapped.contains(peer?.ipAddress ?? "") { return }
        let key = ConnectionCounts.key(of: peer)
        if counts.admit(key) {
            counted = key
        } else {
            refused = true
            context.close(promise: nil)
        }
    }

    private func release() {
        bodyDeadline?.cancel()
        bodyDeadline = nil
        stallDeadline?.cancel()
        stallDeadline = nil
        if let counted { counts.release(counted) }
        counted = nil
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
