/// Why a request's SigV4 authentication failed, in AWS's terms.
///
/// The server maps each kind to the error code its protocol uses
/// (`SignatureDoesNotMatch` in query services, `InvalidSignatureException` in JSON ones).
public struct SigV4Error: Error, Equatable, Sendable {
    /// The failure kinds AWS distinguishes.
    public enum Kind: Sendable, Equatable {
        /// No Authorization header and no presigned query: `MissingAuthenticationToken`.
        case missingAuthentication
        /// Authentication present but malformed: `IncompleteSignature`.
        case incompleteSignature
        /// The access key is not known: `InvalidClientTokenId`.
        case unknownAccessKey
        /// The signature does not verify, or the request is outside its validity window: `SignatureDoesNotMatch`.
        case signatureDoesNotMatch
        /// The temporary credentials have expired: `ExpiredToken`.
        case expiredToken
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    static let mismatchMessage =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

    /// The signature does not match.
    public static let signatureDoesNotMatch = SigV4Error(.signatureDoesNotMatch, mismatchMessage)
    /// No authentication in the request.
    public static let missingAuthentication = SigV4Error(.missingAuthentication, "Request is missing Authentication Token")
    /// The access key id is not known.
    public static let unknownAccessKey = SigV4Error(.unknownAccessKey, "The security token included in the request is invalid.")
    /// The session's credentials have expired.
    public static let expiredToken = SigV4Error(.expiredToken, "The security token included in the request is expired")
}
