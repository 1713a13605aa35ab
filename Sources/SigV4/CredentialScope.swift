/// The credential scope of a SigV4 signature: `AKID/20150830/us-east-1/iam/aws4_request`.
public struct CredentialScope: Sendable, Hashable {
    public var accessKeyId: String
    /// `YYYYMMDD`.
    public var date: String
    public var region: String
    public var service: String

    public init(accessKeyId: String, date: String, region: String, service: String) {
        self.accessKeyId = accessKeyId
        self.date = date
        self.region = region
        self.service = service
    }

    /// Parses `AKID/date/region/service/aws4_request`.
    public init(parsing credential: some StringProtocol) throws(SigV4Error) {
        let parts = Self.slashSeparated(String(credential))
        guard parts.count == 5, !parts[0].isEmpty else {
            throw SigV4Error(
                .incompleteSignature,
                "Credential should be scoped to a valid region. Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '\(credential)'"
            )
        }
        guard parts[1].utf8.count == 8, parts[1].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw SigV4Error(.incompleteSignature, "Date must be in ISO-8601 'basic format'. Got '\(parts[1])'. See http://en.wikipedia.org/wiki/ISO_8601")
        }
        guard !parts[2].isEmpty else {
            throw SigV4Error(.incompleteSignature, "Credential should be scoped to a valid region. ")
        }
        guard !parts[3].isEmpty else {
            throw SigV4Error(.incompleteSignature, "Credential should be scoped to correct service. ")
        }
        guard parts[4] == "aws4_request" else {
            throw SigV4Error(.incompleteSignature, "Credential should be scoped with a valid terminator: 'aws4_request', not '\(parts[4])'. ")
        }
        self.init(accessKeyId: parts[0], date: parts[1], region: parts[2], service: parts[3])
    }

    /// The text's slash-separated parts, empty ones kept (read as bytes: no grapheme breaking).
    static func slashSeparated(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            var parts: [String] = []
            parts.reserveCapacity(5)
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "/") {
                parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                start = index + 1
            }
            return parts
        }
    }

    /// `date/region/service/aws4_request`, as it appears in the string to sign.
    public var scopeString: String { "\(date)/\(region)/\(service)/aws4_request" }
}

