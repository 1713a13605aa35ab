import Crypto
import Foundation

/// Verifies SigV4-signed requests (Authorization header or presigned query).
///
/// ```swift
/// let verifier = SigV4Verifier()
/// guard let claim = try SigV4Authorization.parse(request) else { throw SigV4Error.missingAuthentication }
/// try verifier.verify(request, claim: claim, secret: secret, now: now)
/// ```
public struct SigV4Verifier: Sendable {
    /// How far a request's signing time may be from the server's clock. STS and IAM allow
    /// 15 minutes ("Signature expired: ... (now - 15 min.)"); presigned URLs of these services
    /// live no longer than that either, whatever `X-Amz-Expires` says.
    public var allowedSkewSeconds: Int64 = 900
    public let keys: SigningKeyCache

    public init(keys: SigningKeyCache = SigningKeyCache()) {
        self.keys = keys
    }

    /// Checks the request time and the signature.
    ///
    /// - Throws: ``SigV4Error`` with `signatureDoesNotMatch` when the time is outside the window
    ///   or the signature is wrong; `incompleteSignature` when `host` is not signed.
    public func verify(_ request: SignableRequest, claim: SigV4Authorization, secret: String, now: AmzDate) throws(SigV4Error) {
        try checkTime(claim, now: now)
        guard claim.signedHeaders.contains("host") else {
            throw SigV4Error(.signatureDoesNotMatch, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        }
        guard claim.date.day == claim.scope.date else {
            throw SigV4Error(
                .signatureDoesNotMatch,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(claim.scope.date)' != '\(claim.date.day)', from '\(claim.date.basic)'."
            )
        }
        let declared = request.value(of: "x-amz-content-sha256")
        let payloadHash: String
        switch claim.location {
        case .header:
            payloadHash = declared ?? request.bodySHA256
        case .query:
            payloadHash = declared ?? request.queryItems.first { $0.name == "X-Amz-Content-Sha256" }?.value ?? request.bodySHA256
        }
        if payloadHash == CanonicalRequest.unsignedPayload {
            // Only S3 lets a signature leave the payload out; for the services here, a body the signature does not
            // cover could be any operation's (a signed GetUser replayed with a CreateUser body). An empty body is
            // nothing to cover: presigned URLs carry their parameters in the signed query.
            guard request.bodySHA256 == CanonicalRequest.emptyPayloadSHA256 else { throw SigV4Error.signatureDoesNotMatch }
        } else if payloadHash != request.bodySHA256 {
            throw SigV4Error(.signatureDoesNotMatch, "The provided 'x-amz-content-sha256' header does not match what was computed.")
        }
        let canonical = CanonicalRequest.text(
            of: request,
            signedHeaders: claim.signedHeaders,
            payloadHash: payloadHash,
            excludingSignature: claim.location != .header
        )
        var toSign = CanonicalRequest.stringToSign(canonicalRequest: canonical, date: claim.date, scope: claim.scope)
        guard let given = Self.bytes(hex: claim.signature) else { throw SigV4Error.signatureDoesNotMatch }
        var mac = keys.authenticator(secret: secret, scope: claim.scope)
        toSign.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
        // Constant time: swift-crypto compares a MAC with bytes without early exit.
        guard mac.finalize() == given else { throw SigV4Error.signatureDoesNotMatch }
    }

    func checkTime(_ claim: SigV4Authorization, now: AmzDate) throws(SigV4Error) {
        let minutes = allowedSkewSeconds / 60
        let earliest = AmzDate(epochSeconds: now.epochSeconds - allowedSkewSeconds)
        let latest = AmzDate(epochSeconds: now.epochSeconds + allowedSkewSeconds)
        if claim.date < earliest {
            throw SigV4Error(
                .signatureDoesNotMatch,
                "Signature expired: \(claim.date.basic) is now earlier than \(earliest.basic) (\(now.basic) - \(minutes) min.)"
            )
        }
        if claim.date > latest {
            throw SigV4Error(
                .signatureDoesNotMatch,
                "Signature not yet current: \(claim.date.basic) is still later than \(latest.basic) (\(now.basic) + \(minutes) min.)"
            )
        }
        if case .query(let expires) = claim.location, claim.date.epochSeconds + expires < now.epochSeconds {
            let expiry = AmzDate(epochSeconds: claim.date.epochSeconds + expires)
            throw SigV4Error(.signatureDoesNotMatch, "Signature expired: \(expiry.basic) is now earlier than \(now.basic)")
        }
    }

    /// A signature's bytes from its 64 lower-case hex digits, as SigV4 writes it (AWS compares the text: an upper-case
    /// signature does not match).
    static func bytes(hex: String) -> [UInt8]? {
        func lowerHex(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        var index = 0
        while index < utf8.count {
            guard let high = lowerHex(utf8[index]), let low = lowerHex(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
