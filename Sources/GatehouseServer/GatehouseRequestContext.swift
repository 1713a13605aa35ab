import Hummingbird
import NIOCore
import Portal

/// The request context of every Gatehouse route.
public struct GatehouseRequestContext: PortalRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's remote address, for `sourceIPAddress` and `aws:SourceIp`.
    public let remoteAddress: SocketAddress?

    /// The client's IP address as text: the connection's peer, or the client behind a trusted proxy (``ForwardedFor``).
    public var sourceIPAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        sourceIPAddress = remoteAddress?.ipAddress ?? "127.0.0.1"
    }
}
