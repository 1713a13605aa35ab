import Crypto
import Foundation
import SigV4
import Testing

/// One request signed by botocore's own signer (Vectors/generate.py).
struct BotocoreVector: Decodable, CustomTestStringConvertible {
    var name: String
    var method: String
    var path: String
    var query: String
    var headers: [[String]]
    var body: String
    var accessKeyId: String
    var secret: String
    var epochSeconds: Int64
    var service: String
    var region: String

    var testDescription: String { name }

    func request(body override: String? = nil) -> SignableRequest {
        let payload = override ?? body
        return SignableRequest(
            method: method,
            path: path,
            query: query,
            headers: headers.map { ($0[0], $0[1]) },
            bodySHA256: SHA256.hash(data: Array(payload.utf8)).hexString
        )
    }

    static let all: [BotocoreVector] = {
        let url = Bundle.module.url(forResource: "botocore-signed", withExtension: "json", subdirectory: "Vectors")!
        return try! JSONDecoder().decode([BotocoreVector].self, from: Data(contentsOf: url))
    }()
}

struct BotocoreVectorTests {
    let verifier = SigV4Verifier()

    @Test(arguments: BotocoreVector.all)
    func botocoreSignatureVerifies(_ vector: BotocoreVector) throws {
        let request = vector.request()
        let claim = try #require(try SigV4Authorization.parse(request))
        #expect(claim.scope.accessKeyId == vector.accessKeyId)
        #expect(claim.scope.service == vector.service)
        #expect(claim.scope.region == vector.region)
        try verifier.verify(request, claim: claim, secret: vector.secret, now: AmzDate(epochSeconds: vector.epochSeconds))
    }

    /// The cached signing key's keyed HMAC is copied for each request: a refused request leaves it as it was.
    @Test(arguments: BotocoreVector.all)
    func oneKeyVerifiesRequestAfterRequest(_ vector: BotocoreVector) throws {
        let request = vector.request()
        let claim = try #require(try SigV4Authorization.parse(request))
        let now = AmzDate(epochSeconds: vector.epochSeconds)
        var forged = claim
        forged.signature = String(claim.signature.reversed())
        for _ in 0..<3 {
            try verifier.verify(request, claim: claim, secret: vector.secret, now: now)
            #expect(throws: SigV4Error.signatureDoesNotMatch) { try verifier.verify(request, claim: forged, secret: vector.secret, now: now) }
        }
    }

    @Test(arguments: BotocoreVector.all)
    func wrongSecretIsRefused(_ vector: BotocoreVector) throws {
        let request = vector.request()
        let claim = try #require(try SigV4Authorization.parse(request))
        #expect(throws: SigV4Error.signatureDoesNotMatch) {
            try verifier.verify(request, claim: claim, secret: vector.secret + "x", now: AmzDate(epochSeconds: vector.epochSeconds))
        }
    }

    @Test(arguments: BotocoreVector.all.filter { !$0.body.isEmpty })
    func tamperedBodyIsRefused(_ vector: BotocoreVector) throws {
        let request = vector.request(body: vector.body + "&Extra=1")
        let claim = try #require(try SigV4Authorization.parse(request))
        #expect(throws: SigV4Error.self) {
            try verifier.verify(request, claim: claim, secret: vector.secret, now: AmzDate(epochSeconds: vector.epochSeconds))
        }
    }

    @Test(arguments: BotocoreVector.all.filter { !$0.query.isEmpty })
    func tamperedQueryIsRefused(_ vector: BotocoreVector) throws {
        var request = vector.request()
        request.query += "&injected=1"
        let claim = try #require(try SigV4Authorization.parse(request))
        #expect(throws: SigV4Error.signatureDoesNotMatch) {
            try verifier.verify(request, claim: claim, secret: vector.secret, now: AmzDate(epochSeconds: vector.epochSeconds))
        }
    }

    @Test func securityTokenIsRead() throws {
        let vector = try #require(BotocoreVector.all.first { $0.name == "presigned-token" })
        let claim = try #require(try SigV4Authorization.parse(vector.request()))
        #expect(claim.securityToken == "tok/en+=")
        #expect(claim.location == .query(expires: 900))
    }

    @Test func presignedURLExpires() throws {
        let vector = try #require(BotocoreVector.all.first { $0.name == "presigned" })
        let request = vector.request()
        let claim = try #require(try SigV4Authorization.parse(request))
        try verifier.verify(request, claim: claim, secret: vector.secret, now: AmzDate(epochSeconds: vector.epochSeconds + 899))
        #expect(throws: SigV4Error.self) {
            try verifier.verify(request, claim: claim, secret: vector.secret, now: AmzDate(epochSeconds: vector.epochSeconds + 901))
        }
    }
}
