import Foundation
import WebAuthn

/// The address people reach the server at: the base of every link in mail and of the sign-in URL shown with
/// new users, and the WebAuthn relying party (RP ID = its host, origin = its scheme, host and port). Taken from
/// configuration, never from a request's Host header, which a client could set to point links elsewhere.
struct PublicSite: Sendable {
    /// `https://host[:port]`, without a trailing slash.
    let url: String
    /// The security key checks for this site.
    let webAuthn: WebAuthnVerifier
    /// Whether people reach the site over TLS (then every cookie is `Secure`).
    var isHTTPS: Bool { url.hasPrefix("https://") }

    init(url: String) {
        self.url = url
        let host = URLComponents(string: url)?.host ?? "localhost"
        webAuthn = WebAuthnVerifier(rpId: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, origin: url)
    }
}
