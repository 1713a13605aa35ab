import Directory
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The reset calls of development servers (`--permissive`, or `--dev --allow-reset`), under Gatehouse's own paths
/// and the paths suites written for moto already call between tests.
///
/// A web page must not reach them: a request a browser sends for another site (it carries `Origin`, or a body
/// type a form can send) is refused. A reset is refused while the store holds an account of its own (one made
/// by `gatehouse account create` or sign-up), and `reset-auth` leaves every account but the development one checked.
struct DevelopmentResets: Sendable {
    let directory: Directory
    let accessMode: AccessMode
    let devAccountId: String

    var paths: [String] { ["/_gatehouse/reset", "/moto-api/reset", "/_gatehouse/reset-auth", "/moto-api/reset-auth"] }

    func register(on router: Router<GatehouseRequestContext>) {
        for path in ["/_gatehouse/reset", "/moto-api/reset"] {
            router.post(RouterPath(path)) { request, _ in
                if let refusal = Self.crossSiteRefusal(request) { return refusal }
                let own = directory.accountsOfTheirOwn(devAccountId: devAccountId)
                guard own.isEmpty else {
                    return Self.json(
                        #"{"message":"This data folder holds accounts that are not the development account's (\#(own.count)); a reset would erase them."}"#,
                        status: .conflict)
                }
                try await directory.reset(devAccountId: devAccountId)
                return Self.json(#"{"status":"ok"}"#)
            }
        }
        for path in ["/_gatehouse/reset-auth", "/moto-api/reset-auth"] {
            router.post(RouterPath(path)) { request, context in
                if let refusal = Self.crossSiteRefusal(request) { return refusal }
                var request = request
                let body = String(buffer: try await request.collectBody(upTo: 64)).trimmingCharacters(in: .whitespacesAndNewlines)
                guard let count = Int(body), count >= 0 else {
                    return Self.json(#"{"message":"The body must be a whole number."}"#, status: .badRequest)
                }
                let previous = accessMode.resetAuth(count)
                // Python's json reads Infinity, as moto writes it for "no limit".
                return Self.json(#"{"PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT": \#(previous.map(String.init) ?? "Infinity")}"#)
            }
        }
    }

    /// The answer to a request a web page could have made: any request with `Origin` (browsers send it with every
    /// cross-site POST), or with a body type an HTML form or a script without a preflight can send.
    static func crossSiteRefusal(_ request: Request) -> Response? {
        let formTypes = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard request.headers[.origin] != nil || formTypes.contains(where: { contentType.hasPrefix($0) }) else { return nil }
        return json(
            #"{"message":"Development resets are not taken from web pages: send them without an Origin header and without a form content type."}"#,
            status: .forbidden)
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
