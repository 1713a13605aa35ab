import AWSWire
import Directory
import SigV4

/// Authenticates SigV4 requests against the directory's in-memory credentials.
struct Authenticator: Sendable {
    let directory: Directory
    let verifier = SigV4Verifier()

    /// Why authentication failed, and whose key it was when the key is known.
    struct Failure: Error {
        var error: SigV4Error
        var credential: Credential?
        var principal: Principal?
        /// In emulator mode: not a failure, the request goes on as the development account's root user.
        var permissiveFallback = false
    }

    /// Verifies `claim` for `request`; returns the key and whom it speaks for.
    func authenticate(_ request: SignableRequest, claim: SigV4Authorization?, now: AmzDate) throws(Failure) -> (Credential, Principal) {
        guard let claim else { throw Failure(error: .missingAuthentication) }
        guard let credential = directory.credential(accessKeyId: claim.scope.accessKeyId), credential.active,
            credential.acceptsSessionToken(claim.securityToken), let principal = directory.principal(for: credential)
        else {
            throw Failure(error: .unknownAccessKey)
        }
        if let expiry = credential.expiresAt, Double(now.epochSeconds) >= expiry {
            throw Failure(error: .expiredToken, credential: credential, principal: principal)
        }
        do {
            try verifier.verify(request, claim: claim, secret: credential.secret, now: now)
        } catch {
            throw Failure(error: error, credential: credential, principal: principal)
        }
        return (credential, principal)
    }

    /// The AWS error for a SigV4 failure, in the protocol's own code set.
    static func awsError(_ error: SigV4Error, wireProtocol: ServiceModel.WireProtocol) -> AWSError {
        let query = wireProtocol == .query
        switch error.kind {
        case .missingAuthentication:
            return AWSError(code: query ? "MissingAuthenticationToken" : "MissingAuthenticationTokenException", message: error.message, status: query ? 403 : 400)
        case .incompleteSignature:
            return AWSError(code: query ? "IncompleteSignature" : "IncompleteSignatureException", message: error.message, status: 400)
        case .unknownAccessKey:
            return AWSError(code: query ? "InvalidClientTokenId" : "UnrecognizedClientException", message: error.message, status: query ? 403 : 400)
        case .signatureDoesNotMatch:
            return AWSError(code: query ? "SignatureDoesNotMatch" : "InvalidSignatureException", message: error.message, status: query ? 403 : 400)
        case .expiredToken:
            return AWSError(code: query ? "ExpiredToken" : "ExpiredTokenException", message: error.message, status: query ? 403 : 400)
        }
    }
}
