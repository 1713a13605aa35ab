import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Listens on 127.0.0.1, on a free port, for the one request the browser makes when `/authorize`
/// sends it back (RFC 8252's loopback redirect), and answers it with a page saying where to look next.
enum LoopbackRedirect {
    static let path = "/oauth/callback"

    struct TimedOut: Error, CustomStringConvertible {
        var description: String { "No sign-in came back within 10 minutes." }
    }

    /// The redirect's query parameters. `listening` gets the port once the listener is up.
    static func receive(listening: @escaping @Sendable (Int) async -> Void) async throws -> [String: String] {
        let (arrivals, arrival) = AsyncStream.makeStream(of: [String: String].self)
        let router = Router()
        router.get(RouterPath(path)) { request, _ -> Response in
            let parameters = Dictionary(
                request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
            arrival.yield(parameters)
            let outcome = parameters["code"] != nil ? "You are signed in." : "The sign-in did not complete."
            let html = "<!doctype html><title>Gatehouse</title><p>\(outcome) Go back to your terminal; you can close this window.</p>"
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        var logger = Logger(label: "gatehouse-login")
        logger.logLevel = .error
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in await listening(channel.localAddress?.port ?? 0) }, logger: logger)
        // The server stops gracefully, so the browser still gets its page.
        let server = ServiceGroup(configuration: .init(services: [app], logger: logger))
        async let serving: Void = server.run()
        let parameters = await withTaskGroup(of: [String: String]?.self) { group in
            group.addTask {
                for await parameters in arrivals { return parameters }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(600))
                return nil
            }
            defer { group.cancelAll() }
            return await group.next() ?? nil
        }
        await server.triggerGracefulShutdown()
        try await serving
        guard let parameters else { throw TimedOut() }
        return parameters
    }
}
