import Crypto
import Foundation
import SigV4
import Testing

struct SigV4VerifierTests {
    let signer = SigV4Signer(accessKeyId: "AKIDEXAMPLE", secret: "secret/key", region: "us-east-1", service: "sts")
    let now = AmzDate(epochSeconds: 1_795_000_000)
    let verifier = SigV4Verifier()

    func unsigned(body: String = "Action=GetCallerIdentity&Version=2011-06-15") -> SignableRequest {
        SignableRequest(
            method: "POST",
            path: "/",
            query: "",
            headers: [("Host", "127.0.0.1:7070"), ("Content-Type", "application/x-www-form-urlencoded")],
            bodySHA256: SHA256.hash(data: Array(body.utf8)).hexString
        )
    }

    @Test func signerAndVerifierAgree() throws {
        let request = signer.sign(unsigned(), date: now)
        let claim = try #require(try SigV4Authorization.parse(request))
        try verifier.verify(request, claim: claim, secret: "secret/key", now: now)
    }

    @Test(arguments: [-901, 901])
    func requestOutsideFifteenMinutesIsRefused(offset: Int64) throws {
        let request = signer.sign(unsigned(), date: AmzDate(epochSeconds: now.epochSeconds + offset))
        let claim = try #require(try SigV4Authorization.parse(request))
        let error = #expect(throws: SigV4Error.self) {
            try verifier.verify(request, claim: claim, secret: "secret/key", now: now)
        }
        #expect(error?.kind == .signatureDoesNotMatch)
        #expect(error?.message.hasPrefix(offset < 0 ? "Signature expired: " : "Signature not yet current: ") == true)
    }

    @Test(arguments: [-899, 899])
    func requestWithinFifteenMinutesIsAccepted(offset: Int64) throws {
        let request = signer.sign(unsigned(), date: AmzDate(epochSeconds: now.epochSeconds + offset))
        let claim = try #require(try SigV4Authorization.parse(request))
        try verifier.verify(request, claim: claim, secret: "secret/key", now: now)
    }

    @Test(arguments: [("Action=CreateUser&UserName=mallory&Version=2010-05-08", false), ("", true)])
    func anUnsignedPayloadIsRefusedUnlessTheBodyIsEmpty(body: String, accepted: Bool) throws {
        var request = unsigned(body: body)
        request.headers.append(("X-Amz-Content-Sha256", CanonicalRequest.unsignedPayload))
        let actual = request.bodySHA256
        request.bodySHA256 = CanonicalRequest.unsignedPayload
        var signed = signer.sign(request, date: now)
        signed.bodySHA256 = actual
        let claim = try #require(try SigV4Authorization.parse(signed))
        if accepted {
            try verifier.verify(signed, claim: claim, secret: "secret/key", now: now)
        } else {
            let error = #expect(throws: SigV4Error.self) { try verifier.verify(signed, claim: claim, secret: "secret/key", now: now) }
            #expect(error?.kind == .signatureDoesNotMatch)
        }
    }

    @Test func noAuthenticationIsNil() throws {
        #expect(try SigV4Authorization.parse(unsigned()) == nil)
    }

    @Test func missingPartsAreNamed() throws {
        var request = unsigned()
        request.headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request"))
        let error = #expect(throws: SigV4Error.self) { try SigV4Authorization.parse(request) }
        #expect(error?.kind == .incompleteSignature)
        #expect(error?.message.contains("Authorization header requires 'Signature' parameter.") == true)
        #expect(error?.message.contains("Authorization header requires 'SignedHeaders' parameter.") == true)
        #expect(error?.message.contains("'X-Amz-Date' or a 'Date' header") == true)
        #expect(error?.message.contains("'Credential' parameter") == false)
    }

    @Test func headerItemsAreTrimmedAndUnknownOnesIgnored() throws {
        var request = unsigned()
        request.headers.append(("X-Amz-Date", "20260101T000000Z"))
        request.headers.append((
            "Authorization",
            "  AWS4-HMAC-SHA256 \tCredential=AKID/20260101/us-east-1/sts/aws4_request ,Extra=1,NoEquals,\tSignedHeaders=Host;X-Amz-Date\t, Signature=abc  "
        ))
        let claim = try #require(try SigV4Authorization.parse(request))
        #expect(claim.scope == CredentialScope(accessKeyId: "AKID", date: "20260101", region: "us-east-1", service: "sts"))
        #expect(claim.signedHeaders == ["host", "x-amz-date"])
        #expect(claim.signature == "abc")
    }

    @Test(arguments: [
        ("Host;X-Amz-Date", ["host", "x-amz-date"]),
        (";host;;x-amz-date;", ["host", "x-amz-date"]),
        ("host", ["host"]),
        ("HOST;Ünicode", ["host", "ünicode"]),
    ])
    func signedHeaderNamesAreLowerCasedAndEmptyOnesSkipped(list: String, names: [String]) throws {
        var request = unsigned()
        request.headers.append(("X-Amz-Date", "20260101T000000Z"))
        request.headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, SignedHeaders=\(list), Signature=abc"))
        let claim = try #require(try SigV4Authorization.parse(request))
        #expect(claim.signedHeaders == names)
    }

    @Test(arguments: [
        ("AWS4-HMAC-SHA512 Credential=a", "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'"),
        ("AWS4-HMAC-SHA256", "Authorization header requires 'Credential' parameter."),
        ("Bearer token", "Authorization header requires 'Credential' parameter."),
    ])
    func otherSchemesAreIncomplete(header: String, message: String) throws {
        var request = unsigned()
        request.headers.append(("Authorization", header))
        let error = #expect(throws: SigV4Error.self) { try SigV4Authorization.parse(request) }
        #expect(error?.kind == .incompleteSignature)
        #expect(error?.message.hasPrefix(message) == true)
    }

    @Test func badTerminatorIsIncomplete() throws {
        #expect(throws: SigV4Error.self) { try CredentialScope(parsing: "AKID/20260101/us-east-1/sts/aws5_request") }
        #expect(throws: SigV4Error.self) { try CredentialScope(parsing: "AKID/2026/us-east-1/sts/aws4_request") }
        #expect(throws: SigV4Error.self) { try CredentialScope(parsing: "AKID/20260101/sts/aws4_request") }
    }

    @Test func unsignedHostIsRefused() throws {
        var request = signer.sign(unsigned(), date: now)
        let index = try #require(request.headers.firstIndex { $0.name == "authorization" })
        request.headers[index].value = request.headers[index].value.replacingOccurrences(of: "host;", with: "")
        let claim = try #require(try SigV4Authorization.parse(request))
        #expect(throws: SigV4Error.self) { try verifier.verify(request, claim: claim, secret: "secret/key", now: now) }
    }

    @Test func malformedSignatureIsMismatch() throws {
        var request = signer.sign(unsigned(), date: now)
        let index = try #require(request.headers.firstIndex { $0.name == "authorization" })
        request.headers[index].value = String(request.headers[index].value.dropLast(2)) + "zz"
        let claim = try #require(try SigV4Authorization.parse(request))
        #expect(throws: SigV4Error.signatureDoesNotMatch) { try verifier.verify(request, claim: claim, secret: "secret/key", now: now) }
    }

    @Test func upperCaseSignatureIsMismatch() throws {
        var request = signer.sign(unsigned(), date: now)
        let index = try #require(request.headers.firstIndex { $0.name == "authorization" })
        let value = request.headers[index].value
        let signature = try #require(value.range(of: "Signature="))
        request.headers[index].value = String(value[..<signature.upperBound]) + value[signature.upperBound...].uppercased()
        let claim = try #require(try SigV4Authorization.parse(request))
        #expect(throws: SigV4Error.signatureDoesNotMatch) { try verifier.verify(request, claim: claim, secret: "secret/key", now: now) }
    }

    @Test func cachedKeyEqualsDerivedKey() {
        let cache = SigningKeyCache()
        let scope = CredentialScope(accessKeyId: "AKID", date: "20260101", region: "us-east-1", service: "iam")
        let first = cache.key(secret: "s", scope: scope)
        let second = cache.key(secret: "s", scope: scope)
        let other = cache.key(secret: "t", scope: scope)
        #expect(first == second)
        #expect(first == SigningKeyCache.derive(secret: "s", scope: scope))
        #expect(other != first)
    }

    @Test(arguments: ["20260101T000000Z", "19991231T235959Z", "20240229T120000Z", "20380119T031408Z", "00010101T000000Z", "99991231T235959Z"])
    func amzDateRoundTrips(_ text: String) throws {
        let date = try #require(AmzDate(basic: text))
        #expect(date.basic == text)
        #expect(date.day == String(text.prefix(8)))
    }

    @Test func amzDatesReadBackWhatTheyWrite() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let seconds = Int64.random(in: -62_135_596_800...253_402_300_799, using: &generator)
            let date = AmzDate(epochSeconds: seconds)
            #expect(date.basic.utf8.count == 16)
            #expect(AmzDate(basic: date.basic)?.epochSeconds == seconds, "\(seconds) \(date.basic)")
        }
    }

    @Test func headerValuesAreTrimmedFoldedAndJoined() {
        let request = SignableRequest(
            method: "GET", path: "/", query: "",
            headers: [("Host", "h"), ("X-A", " a\t  b "), ("x-a", "c"), ("X-B", "plain value"), ("X-C", ""), ("X-D", "d "), ("X-E", "e  e")],
            bodySHA256: "e3")
        let text = CanonicalRequest.text(
            of: request, signedHeaders: ["host", "x-a", "x-b", "x-c", "x-d", "x-e"], payloadHash: "e3", excludingSignature: false)
        #expect(text == "GET\n/\n\nhost:h\nx-a:a b,c\nx-b:plain value\nx-c:\nx-d:d\nx-e:e e\n\nhost;x-a;x-b;x-c;x-d;x-e\ne3")
    }

    /// Out-of-range fields are refused, never carried into arithmetic that could overflow.
    @Test(arguments: [
        "Sun, 9223372036854775807 Jan 2026 00:00:00 GMT", "Sun, 01 Jan 9223372036854775807 00:00:00 GMT",
        "Sun, 01 Jan 2026 9223372036854775807:00:00 GMT", "Sun, 32 Jan 2026 00:00:00 GMT", "Sun, 01 Jan 2026 24:00:00 GMT",
    ])
    func outOfRangeHTTPDatesAreRefused(_ text: String) throws {
        #expect(AmzDate(httpDate: text) == nil)
        var request = unsigned()
        request.headers.append(("Date", text))
        request.headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=ab"))
        let error = #expect(throws: SigV4Error.self) { try SigV4Authorization.parse(request) }
        #expect(error?.message.contains("'X-Amz-Date' or a 'Date' header") == true)
    }

    @Test func httpDateParses() throws {
        let date = try #require(AmzDate(httpDate: "Sun, 22 Nov 2026 14:30:15 GMT"))
        #expect(date.basic == "20261122T143015Z")
    }

    @Test func uriEncodingIsStrict() {
        #expect(URIEncoding.encode("a b/c~d*e+") == "a%20b%2Fc~d%2Ae%2B")
        #expect(URIEncoding.encode("/a b/", keepSlash: true) == "/a%20b/")
        #expect(URIEncoding.decode("%2Fa%20b+%zz") == "/a b+%zz")
    }
}

extension SymmetricKey: @retroactive Equatable {
    public static func == (lhs: SymmetricKey, rhs: SymmetricKey) -> Bool {
        lhs.withUnsafeBytes { Array($0) } == rhs.withUnsafeBytes { Array($0) }
    }
}
