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
        let parts = Substring(credential).utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { Substring($0) }
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
        self.init(accessKeyId: String(parts[0]), date: String(parts[1]), region: String(parts[2]), service: String(parts[3]))
    }

    /// `date/region/service/aws4_request`, as it appears in the string to sign.
    public var scopeString: String { "\(date)/\(region)/\(service)/aws4_request" }
}

