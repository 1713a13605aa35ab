/// The parts of an HTTP request that SigV4 signs, as they travelled on the wire.
///
/// The verifier canonicalizes the raw request target, never a re-encoded URL, so
/// `path` and `query` are the bytes the client sent (still percent-encoded).
public struct SignableRequest: Sendable {
    /// HTTP method, upper case (`POST`).
    public var method: String
    /// The raw path of the request target, without the query (`/`).
    public var path: String
    /// The raw query string, without the leading `?` (empty when there is none).
    public var query: String
    /// Header fields in arrival order; names in any case. Include `host`.
    public var headers: [(name: String, value: String)]
    /// Lower-case hex SHA-256 of the body.
    public var bodySHA256: String

    public init(method: String, path: String, query: String, headers: [(name: String, value: String)], bodySHA256: String) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.bodySHA256 = bodySHA256
    }

    /// The values of a header, case-insensitively.
    public func values(of name: String) -> [String] {
        headers.compactMap { Self.named($0.name, name) ? $0.value : nil }
    }

    /// The first value of a header, case-insensitively.
    public func value(of name: String) -> String? {
        headers.first { Self.named($0.name, name) }?.value
    }

    /// Whether a header's name is `lowercased` in any case (ASCII, compared in place: no lower-cased copy).
    static func named(_ name: String, _ lowercased: String) -> Bool {
        guard name.utf8.count == lowercased.utf8.count else { return false }
        for (byte, wanted) in zip(name.utf8, lowercased.utf8) where (byte >= 65 && byte <= 90 ? byte + 32 : byte) != wanted {
            return false
        }
        return true
    }

    /// The query parameters, decoded, in order.
    public var queryItems: [(name: String, value: String)] {
        guard !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = URIEncoding.decode(parts[0])
            let value = parts.count > 1 ? URIEncoding.decode(parts[1]) : ""
            return (name, value)
        }
    }
}
