import Hummingbird
import NIOCore
import Portal

/// The request context of every Gatehouse route.
public struct GatehouseRequestContext: PortalRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's remote address, for `sourceIPAddress` and `aws:SourceIp`.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text.
    public var sourceIPAddress: String {
        remoteAddress?.ipAddress ?? "127.0.0.1"
    }
}
