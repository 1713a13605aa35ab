import Crypto
import Foundation

/// Stage 1 and 2 of SigV4: the canonical request and the string to sign, as in
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
public enum CanonicalRequest {
    /// The payload hash a presigned URL or a streaming upload may declare.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 of an empty payload, in hex.
    public static let emptyPayloadSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

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
        var out = ""
        out.reserveCapacity(512)
        out += request.method
        out += "\n"
        out += canonicalPath(request.path)
        out += "\n"
        out += canonicalQuery(request.query, excludingSignature: excludingSignature)
        out += "\n"
        for name in signedHeaders {
            out += name
            out += ":"
            var first = true
            for header in request.headers where SignableRequest.named(header.name, name) {
                if !first { out += "," }
                first = false
                appendNormalizedHeaderValue(header.value, into: &out)
            }
            out += "\n"
        }
        out += "\n"
        for (offset, name) in signedHeaders.enumerated() {
            if offset > 0 { out += ";" }
            out += name
        }
        out += "\n"
        out += payloadHash
        return out
    }

    /// Stage 2: the string to sign.
    public static func stringToSign(canonicalRequest: String, date: AmzDate, scope: CredentialScope) -> String {
        var canonicalRequest = canonicalRequest
        let hash = canonicalRequest.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }.hexString
        // Appended into one string: `algorithm\ndate\nscope\nhash`.
        var out = SigV4Authorization.algorithm
        out.reserveCapacity(192)
        out += "\n"
        out += date.basic
        out += "\n"
        out += scope.date
        out += "/"
        out += scope.region
        out += "/"
        out += scope.service
        out += "/aws4_request\n"
        out += hash
        return out
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

    /// Appends the value trimmed, each run of spaces folded into one; most values need neither, and are appended whole.
    static func appendNormalizedHeaderValue(_ value: String, into out: inout String) {
        var value = value
        let plain = value.withUTF8 { bytes in
            var previousSpace = true  // a leading space needs trimming
            for byte in bytes {
                if byte == UInt8(ascii: "\t") { return false }
                let space = byte == UInt8(ascii: " ")
                if space, previousSpace { return false }
                previousSpace = space
            }
            return !previousSpace || bytes.isEmpty
        }
        out += plain ? value : normalizeHeaderValue(value)
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
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0x0F))
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Digest {
    /// Lower-case hex of the digest.
    public var hexString: String {
        withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { out in
                for index in bytes.indices {
                    out[2 * index] = hexDigit(bytes[index] >> 4)
                    out[2 * index + 1] = hexDigit(bytes[index] & 0x0F)
                }
                return bytes.count * 2
            }
        }
    }
}

/// The lower-case hex digit of a value below 16.
@inline(__always)
func hexDigit(_ value: UInt8) -> UInt8 {
    value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
}
