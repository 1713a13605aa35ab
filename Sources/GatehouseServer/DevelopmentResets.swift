import Foundation
import Directory
import Hummingbird
import NIOCore

/// The reset calls of development servers (`--dev`, `--permissive`), under Gatehouse's own paths and
/// the paths suites written for moto already call between tests.
struct DevelopmentResets: Sendable {
    let directory: Directory
    let accessMode: AccessMode
    let devAccountId: String

    var paths: [String] { ["/_gatehouse/reset", "/moto-api/reset", "/_gatehouse/reset-auth", "/moto-api/reset-auth"] }

    func register(on router: Router<GatehouseRequestContext>) {
        for path in ["/_gatehouse/reset", "/moto-api/reset"] {
            router.post(RouterPath(path)) { _, _ in
                try await directory.reset(devAccountId: devAccountId)
                return Self.json(#"{"status":"ok"}"#)
            }
        }
        for path in ["/_gatehouse/reset-auth", "/moto-api/reset-auth"] {
            router.post(RouterPath(path)) { request, context in
                var request = request
                let body = String(buffer: try await request.collectBody(upTo: 64)).trimmingCharacters(in: .whitespacesAndNewlines)
                guard let count = Int(body), count >= 0 else {
                    return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: #"{"message":"The body must be a whole number."}"#)))
                }
                let previous = accessMode.resetAuth(count)
                // Python's json reads Infinity, as moto writes it for "no limit".
                return Self.json(#"{"PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT": \#(previous.map(String.init) ?? "Infinity")}"#)
            }
        }
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
