import Crypto

/// Stage 1 and 2 of SigV4: the canonical request and the string to sign, as in
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
public enum CanonicalRequest {
    /// The payload hash a presigned URL or a streaming upload may declare.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// Stage 1: the canonical request text.
    ///
    /// - Parameters:
    ///   - request: the request as received.
    ///   - signedHeaders: lower-case names of the headers the client signed.
    ///   - payloadHash: the payload hash to sign (the body's, `x-amz-content-sha256`, or `UNSIGNED-PAYLOAD`).
    ///   - excludingSignature: leave `X-Amz-Signature` out of the query (presigned URLs).
    public static func text(
        of request: SignableRequest,
        signedHeaders: [String],
        payloadHash: String,
        excludingSignature: Bool
    ) -> String {
        var out = request.method
        out += "\n"
        out += canonicalPath(request.path)
        out += "\n"
        out += canonicalQuery(request.query, excludingSignature: excludingSignature)
        out += "\n"
        for name in signedHeaders {
            out += name
            out += ":"
            out += request.values(of: name).map { normalizeHeaderValue($0) }.joined(separator: ",")
            out += "\n"
        }
        out += "\n"
        out += signedHeaders.joined(separator: ";")
        out += "\n"
        out += payloadHash
        return out
    }

    /// Stage 2: the string to sign.
    public static func stringToSign(canonicalRequest: String, date: AmzDate, scope: CredentialScope) -> String {
        let hash = SHA256.hash(data: Array(canonicalRequest.utf8)).hexString
        return "\(SigV4Authorization.algorithm)\n\(date.basic)\n\(scope.scopeString)\n\(hash)"
    }

    /// The canonical URI: dot segments and empty segments removed, then every byte
    /// but the unreserved ones and `/` percent-encoded (so `%` in the raw path becomes `%25`).
    static func canonicalPath(_ path: String) -> String {
        guard !path.isEmpty, path != "/" else { return "/" }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                _ = segments.popLast()
            } else {
                segments.append(segment)
            }
        }
        var normalized = path.hasPrefix("/") ? "/" : ""
        normalized += segments.joined(separator: "/")
        if path.hasSuffix("/"), !segments.isEmpty { normalized += "/" }
        return URIEncoding.encode(normalized, keepSlash: true)
    }

    /// The canonical query: each name and value decoded then re-encoded strictly, sorted by name then value.
    static func canonicalQuery(_ query: String, excludingSignature: Bool) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = URIEncoding.decode(parts[0])
            if excludingSignature, name == "X-Amz-Signature" { continue }
            let value = parts.count > 1 ? URIEncoding.decode(parts[1]) : ""
            pairs.append((URIEncoding.encode(name), URIEncoding.encode(value)))
        }
        pairs.sort { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Trims the value and folds each run of spaces into one (bytes: spaces and tabs are ASCII).
    static func normalizeHeaderValue(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.trimmingSpaces.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                pendingSpace = true
            } else {
                if pendingSpace { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Sequence<UInt8> {
    /// Lower-case hex.
    public var hexString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Digest {
    /// Lower-case hex of the digest.
    public var hexString: String { Array(self).hexString }
}
