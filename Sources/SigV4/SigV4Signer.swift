import Crypto

/// Signs requests with SigV4 (Authorization header), for Gatehouse's own clients and tests.
public struct SigV4Signer: Sendable {
    public var accessKeyId: String
    public var secret: String
    public var region: String
    public var service: String

    public init(accessKeyId: String, secret: String, region: String, service: String) {
        self.accessKeyId = accessKeyId
        self.secret = secret
        self.region = region
        self.service = service
    }

    /// Returns `request` with `x-amz-date` and `authorization` added, signing every header it carries.
    ///
    /// The request must already carry `host`.
    public func sign(_ request: SignableRequest, date: AmzDate, securityToken: String? = nil) -> SignableRequest {
        var signed = request
        signed.headers.append(("x-amz-date", date.basic))
        if let securityToken { signed.headers.append(("x-amz-security-token", securityToken)) }
        let scope = CredentialScope(accessKeyId: accessKeyId, date: date.day, region: region, service: service)
        let names = Array(Set(signed.headers.map { $0.name.lowercased() })).sorted()
        let canonical = CanonicalRequest.text(of: signed, signedHeaders: names, payloadHash: request.bodySHA256, excludingSignature: false)
        let toSign = CanonicalRequest.stringToSign(canonicalRequest: canonical, date: date, scope: scope)
        let key = SigningKeyCache.derive(secret: secret, scope: scope)
        let signature = HMAC<SHA256>.authenticationCode(for: Array(toSign.utf8), using: key)
        let value =
            "\(SigV4Authorization.algorithm) Credential=\(accessKeyId)/\(scope.scopeString), SignedHeaders=\(names.joined(separator: ";")), Signature=\(Array(signature).hexString)"
        signed.headers.append(("authorization", value))
        return signed
    }
}
