/// What a request claims about its SigV4 signature, read from the `Authorization`
/// header or from a presigned URL's query (`X-Amz-Credential`, `X-Amz-Signature`, ...).
public struct SigV4Authorization: Sendable {
    /// Where the signature was carried.
    public enum Location: Sendable, Equatable {
        case header
        /// A presigned URL, valid for `expires` seconds from `date`.
        case query(expires: Int64)
    }

    public var location: Location
    public var scope: CredentialScope
    /// Lower-case names, in the order the client listed them.
    public var signedHeaders: [String]
    /// Lower-case hex, as sent.
    public var signature: String
    /// The request time the client signed (`X-Amz-Date`, else `Date`).
    public var date: AmzDate
    /// `X-Amz-Security-Token`, when temporary credentials signed the request.
    public var securityToken: String?

    /// The algorithm name this module verifies.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// Reads the signature claims of `request`.
    ///
    /// - Returns: `nil` when the request carries no SigV4 authentication at all.
    /// - Throws: ``SigV4Error`` (`incompleteSignature`) when it carries some, but malformed.
    public static func parse(_ request: SignableRequest) throws(SigV4Error) -> SigV4Authorization? {
        if let header = request.value(of: "authorization") {
            return try parseHeader(header, request: request)
        }
        let items = request.queryItems
        if items.contains(where: { $0.name == "X-Amz-Algorithm" || $0.name == "X-Amz-Signature" || $0.name == "X-Amz-Credential" }) {
            return try parsePresigned(items)
        }
        return nil
    }

    static func parseHeader(_ header: String, request: SignableRequest) throws(SigV4Error) -> SigV4Authorization {
        guard let fields = fields(of: header) else {
            let scheme = header.split(separator: " ").first.map(String.init) ?? ""
            if scheme.hasPrefix("AWS4-") {
                throw SigV4Error(.incompleteSignature, "Unsupported AWS 'algorithm': '\(scheme)'")
            }
            throw SigV4Error(
                .incompleteSignature,
                "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=\(header)"
            )
        }
        let dateValue = request.value(of: "x-amz-date").flatMap { AmzDate(basic: $0.trimmingSpaces) }
            ?? request.value(of: "date").flatMap { AmzDate(httpDate: $0.trimmingSpaces) }
        var missing: [String] = []
        if fields.credential == nil { missing.append("Authorization header requires 'Credential' parameter.") }
        if fields.signature == nil { missing.append("Authorization header requires 'Signature' parameter.") }
        if fields.signedHeaders == nil { missing.append("Authorization header requires 'SignedHeaders' parameter.") }
        if dateValue == nil {
            missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        guard missing.isEmpty, let credential = fields.credential, let signature = fields.signature,
            let signed = fields.signedHeaders, let date = dateValue
        else {
            throw SigV4Error(.incompleteSignature, (missing + ["Authorization=\(header)"]).joined(separator: " "))
        }
        return SigV4Authorization(
            location: .header,
            scope: try CredentialScope(parsing: credential),
            signedHeaders: headerNames(signed),
            signature: signature,
            date: date,
            securityToken: request.value(of: "x-amz-security-token")
        )
    }

    /// The `Credential`, `Signature` and `SignedHeaders` values of an `Authorization` header (comma-separated
    /// `name=value` items, each trimmed of spaces and tabs); `nil` unless its scheme is `AWS4-HMAC-SHA256`.
    /// Read as bytes.
    static func fields(of header: String) -> (credential: String?, signature: String?, signedHeaders: String?)? {
        var header = header
        return header.withUTF8 { bytes in
            func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
            var index = 0
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
            let schemeStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: " ") { index += 1 }
            guard bytes[schemeStart..<index].elementsEqual(algorithm.utf8) else { return nil }
            var fields: (credential: String?, signature: String?, signedHeaders: String?) = (nil, nil, nil)
            while index < bytes.count {
                var end = index
                while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
                var start = index
                var stop = end
                index = end + 1
                while start < stop, isSpace(bytes[start]) { start += 1 }
                while start < stop, isSpace(bytes[stop - 1]) { stop -= 1 }
                guard let equals = bytes[start..<stop].firstIndex(of: UInt8(ascii: "=")) else { continue }
                let name = bytes[start..<equals]
                let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[(equals + 1)..<stop]), as: UTF8.self)
                if name.elementsEqual("Credential".utf8) {
                    fields.credential = value
                } else if name.elementsEqual("Signature".utf8) {
                    fields.signature = value
                } else if name.elementsEqual("SignedHeaders".utf8) {
                    fields.signedHeaders = value
                }
            }
            return fields
        }
    }

    /// `content-type;host;x-amz-date` as lower-case names (split as bytes: no grapheme breaking).
    static func headerNames(_ list: some StringProtocol) -> [String] {
        var list = String(list)
        return list.withUTF8 { bytes in
            var names: [String] = []
            names.reserveCapacity(8)
            var start = 0
            // Empty names (`a;;b`) are skipped, as a split that omits empty pieces would.
            for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: ";") {
                defer { start = end + 1 }
                guard end > start else { continue }
                let name = UnsafeBufferPointer(rebasing: bytes[start..<end])
                let text = String(decoding: name, as: UTF8.self)
                names.append(name.contains { ($0 >= 65 && $0 <= 90) || $0 >= 0x80 } ? text.lowercased() : text)
            }
            return names
        }
    }

    static func parsePresigned(_ items: [(name: String, value: String)]) throws(SigV4Error) -> SigV4Authorization {
        func first(_ name: String) -> String? { items.first { $0.name == name }?.value }
        var missing: [String] = []
        for name in ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"]
        where first(name) == nil {
            missing.append("AWS query-string parameters must include '\(name)'.")
        }
        guard missing.isEmpty, let credential = first("X-Amz-Credential"), let signature = first("X-Amz-Signature"),
            let signed = first("X-Amz-SignedHeaders"), let dateText = first("X-Amz-Date")
        else {
            throw SigV4Error(.incompleteSignature, missing.joined(separator: " ") + " Re-examine the query-string parameters.")
        }
        guard first("X-Amz-Algorithm") == Self.algorithm else {
            throw SigV4Error(.incompleteSignature, "Unsupported AWS 'algorithm': '\(first("X-Amz-Algorithm") ?? "")'")
        }
        guard let date = AmzDate(basic: dateText) else {
            throw SigV4Error(.incompleteSignature, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
        }
        var expires: Int64 = 604_800
        if let text = first("X-Amz-Expires") {
            guard let value = Int64(text), value > 0 else {
                throw SigV4Error(.incompleteSignature, "X-Amz-Expires must be a positive integer, got '\(text)'")
            }
            guard value <= 604_800 else {
                throw SigV4Error(.incompleteSignature, "X-Amz-Expires must be less than a week (in seconds) that is 604800")
            }
            expires = value
        }
        return SigV4Authorization(
            location: .query(expires: expires),
            scope: try CredentialScope(parsing: credential),
            signedHeaders: headerNames(signed),
            signature: signature,
            date: date,
            securityToken: first("X-Amz-Security-Token")
        )
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (read as bytes: no grapheme breaking).
    var trimmingSpaces: Substring {
        let text = Substring(self)
        let utf8 = text.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, isSpace(utf8[start]) { start = utf8.index(after: start) }
        while start < end, isSpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return text[start..<end]
    }
}
