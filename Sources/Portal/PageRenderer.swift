import Foundation
import Hummingbird
import Mustache

/// Renders the portal's Mustache templates (HTML-escaped) into responses with the headers every page carries:
/// no caching, no framing, no referrer (a redirect URL holds a code), and a content policy that runs no script.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// The one script the pages have: the WebAuthn ceremonies (served from `/console/webauthn.js`).
    let webAuthnScript: String

    /// Loads the templates shipped with the module.
    public static func load() async throws -> PageRenderer {
        guard let resources = Bundle.module.resourceURL,
            let script = try? String(contentsOf: resources.appendingPathComponent("Scripts/webauthn.js"), encoding: .utf8)
        else { throw PortalError.templatesMissing }
        return PageRenderer(library: try await MustacheLibrary(directory: resources.appendingPathComponent("Templates").path), webAuthnScript: script)
    }

    /// The headers of every page.
    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        .init("X-Frame-Options")!: "DENY",
        .init("X-Content-Type-Options")!: "nosniff",
        .init("Referrer-Policy")!: "no-referrer",
    ]

    /// The page `template` shows `values` with, as a response of `status`; with `script`, the page may load
    /// this server's own scripts (the WebAuthn pages), and nothing else. Its forms go to this server only, and, for
    /// `formTarget` (an origin such as `http://127.0.0.1:43123`), where its answer redirects: browsers check a form's
    /// redirects against `form-action` too (the `/authorize` page's answer goes to the client's loopback address).
    func page(_ template: String, _ values: Any, status: HTTPResponse.Status = .ok, script: Bool = false, formTarget: String? = nil) -> Response {
        let html = library.render(values, withTemplate: template) ?? ""
        var headers = Self.pageHeaders
        if script || formTarget != nil {
            let scripts = script ? " script-src 'self';" : ""
            let targets = formTarget.map { " " + $0 } ?? ""
            headers[.contentSecurityPolicy] =
                "default-src 'none';\(scripts) style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'\(targets)"
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A CSP source for the origin of `uri` (`http://127.0.0.1:43123`, or `com.example.app:` for another scheme);
    /// `nil` when the URI has no scheme or its parts hold anything a CSP source may not.
    static func formTarget(_ uri: String) -> String? {
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased(),
            scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) })
        else { return nil }
        guard scheme == "http" || scheme == "https" else { return scheme + ":" }
        guard let host = components.host, !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:[]".contains($0) }) else { return nil }
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// The WebAuthn script, as `/console/webauthn.js` serves it.
    func script() -> Response {
        var headers = Self.pageHeaders
        headers[.contentType] = "text/javascript; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: webAuthnScript)))
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
