import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The client address behind trusted proxies: a request whose connection comes from a trusted proxy is from the
/// rightmost address of its `X-Forwarded-For` that is not itself a trusted proxy (each proxy appends the address it
/// was reached from, so the entries left of that one are the client's to write). From anyone else the header is
/// ignored, so nobody picks their own `aws:SourceIp` or escapes a per-address lock by sending it.
struct ForwardedFor: Sendable {
    let trusted: Set<String>

    /// Which address a request came from, given its connection's peer and its `X-Forwarded-For` header.
    func client(peer: String, header: String?) -> String {
        guard trusted.contains(peer), let header else { return peer }
        for entry in header.split(separator: ",").reversed() {
            let address = entry.trimmingCharacters(in: .whitespaces)
            guard let parsed = try? SocketAddress(ipAddress: address, port: 0), let text = parsed.ipAddress else { return peer }
            if !trusted.contains(text) { return text }
        }
        return peer
    }
}

/// Sets each request's ``GatehouseRequestContext/sourceIPAddress`` with ``ForwardedFor``.
struct ForwardedForMiddleware: RouterMiddleware {
    let forwarded: ForwardedFor

    func handle(
        _ request: Request, context: GatehouseRequestContext, next: (Request, GatehouseRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.sourceIPAddress = forwarded.client(peer: context.sourceIPAddress, header: request.headers[.xForwardedFor])
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
