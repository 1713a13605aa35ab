@testable import Directory
import Foundation
import Testing

/// The rules of the portal sign-in that need no store: PKCE challenges, redirect URIs, throttling.
struct SignInRulesTests {
    /// RFC 7636, appendix B.
    @Test func codeChallengeMatchesTheRFCExample() {
        #expect(Directory.codeChallenge(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(Directory.isCodeChallenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
        #expect(!Directory.isCodeChallenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c="))
        #expect(!Directory.isCodeChallenge("short"))
    }

    static let client = OIDCClient(
        id: "c", secretHash: "", name: "cli", scopes: [], grantTypes: ["authorization_code"],
        redirectUris: ["http://127.0.0.1/oauth/callback", "http://localhost:8400/cb"], issuerUrl: nil, issued: Date(), expires: Date())

    @Test(arguments: ["http://127.0.0.1/oauth/callback", "http://127.0.0.1:51234/oauth/callback", "http://localhost:8400/cb"])
    func registeredRedirectsAreAllowed(uri: String) {
        #expect(Self.client.allowsRedirect(to: uri))
    }

    @Test(arguments: [
        "http://127.0.0.1/oauth/other", "https://127.0.0.1/oauth/callback", "http://127.0.0.2/oauth/callback", "http://localhost:8401/cb",
        "http://127.0.0.1/oauth/callback?x=1", "http://127.0.0.1/oauth/callback#f", "http://evil.example/oauth/callback", "",
    ])
    func otherRedirectsAreRefused(uri: String) {
        #expect(!Self.client.allowsRedirect(to: uri))
    }

    @Test func throttleLocksAfterTheLimitAndForgetsAfterTheWindow() throws {
        let throttle = SignInThrottle(limit: 3, window: 600)
        let start = Date(timeIntervalSince1970: 1_000_000)
        for second in 0..<3 {
            try throttle.admit("u", now: start.addingTimeInterval(Double(second)))
            throttle.failed("u", now: start.addingTimeInterval(Double(second)))
        }
        #expect(throws: DirectoryError.self) { try throttle.admit("u", now: start.addingTimeInterval(10)) }
        try throttle.admit("someone else", now: start.addingTimeInterval(10))
        // The oldest failure leaves the window at 600 s: one more attempt is allowed.
        try throttle.admit("u", now: start.addingTimeInterval(601))
        throttle.succeeded("u")
        try throttle.admit("u", now: start.addingTimeInterval(11))
    }
}
