/// An HTTP request as the AWS wire codecs see it: raw target, headers and body bytes.
public struct WireRequest: Sendable {
    public var method: String
    /// The raw path, still percent-encoded.
    public var path: String
    /// The raw query string, without `?`.
    public var query: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// Whether the body is an HTML-form body (`application/x-www-form-urlencoded`).
    public var hasFormBody: Bool {
        guard let type = header("content-type") else { return false }
        let prefix = "application/x-www-form-urlencoded"
        let bytes = type.utf8
        guard bytes.count >= prefix.utf8.count, zip(bytes, prefix.utf8).allSatisfy({ ASCII.lowercased($0) == $1 }) else { return false }
        // A combining mark right after the prefix would make its last character another one.
        return bytes.dropFirst(prefix.utf8.count).first.map { $0 < 0x80 } ?? true
    }
}

/// An HTTP response produced by the AWS wire codecs.
public struct WireResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

extension String {
    /// Equal ignoring ASCII case (header names are ASCII).
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && zip(utf8, other.utf8).allSatisfy { ASCII.lowercased($0) == ASCII.lowercased($1) }
    }
}

/// ASCII case folding for bytes of header names and media types.
enum ASCII {
    /// `byte` in lower case when it is an ASCII capital letter, unchanged otherwise.
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
