import Foundation
import Hummingbird
import Mustache

/// Renders the portal's Mustache templates (HTML-escaped) into responses with the headers every page carries:
/// no caching, no framing, no referrer (a redirect URL holds a code), and a content policy that runs no script.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary

    /// Loads the templates shipped with the module.
    public static func load() async throws -> PageRenderer {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("Templates").path else {
            throw PortalError.templatesMissing
        }
        return PageRenderer(library: try await MustacheLibrary(directory: directory))
    }

    /// The headers of every page.
    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        .init("X-Frame-Options")!: "DENY",
        .init("X-Content-Type-Options")!: "nosniff",
        .init("Referrer-Policy")!: "no-referrer",
    ]

    /// The page `template` shows `values` with, as a response of `status`.
    func page(_ template: String, _ values: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(values, withTemplate: template) ?? ""
        return Response(status: status, headers: Self.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A page with a heading and a sentence, for outcomes and faults.
    func message(_ heading: String, _ message: String, problem: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        page("message", MessagePage(heading: heading, message: message, problem: problem), status: status)
    }
}

/// What the message page shows.
struct MessagePage {
    var heading: String
    var message: String
    var problem: String?
}

/// Faults of the portal's own setup.
public enum PortalError: Error {
    /// The module's templates are not where the build put them.
    case templatesMissing
}
