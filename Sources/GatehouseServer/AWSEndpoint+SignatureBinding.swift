import AWSWire
import SigV4

extension AWSEndpoint {
    /// Why a signature does not bind the operation the request reaches: the credential scope names another
    /// service or a region AWS does not have, or a header that chooses the operation (`X-Amz-Target`) or how the body is read (`Content-Type`)
    /// is not signed. Otherwise an unsigned header could turn a presigned `GetCallerIdentity` URL into any operation.
    /// (The body itself is bound by the payload hash, `SigV4Verifier`.)
    static func bindingFailure(_ claim: SigV4Authorization, route: OperationRouter.Route, wire: WireRequest) -> SigV4Error? {
        if let service = route.service, service.signingName != claim.scope.service {
            // AWS's wording, trailing space included.
            return SigV4Error(.signatureDoesNotMatch, "Credential should be scoped to correct service: '\(service.signingName)'. ")
        }
        if !AWSRegions.names.contains(claim.scope.region) {
            return SigV4Error(.signatureDoesNotMatch, "Credential should be scoped to a valid region, not '\(claim.scope.region)'. ")
        }
        if wire.header("x-amz-target") != nil, !claim.signedHeaders.contains("x-amz-target") {
            return SigV4Error(.signatureDoesNotMatch, "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.")
        }
        // A JSON operation's body is read by its Content-Type (botocore signs both); a query request's body is a form
        // whatever the header says (curl --aws-sigv4 leaves its Content-Type unsigned), bound by the payload hash.
        if wire.header("x-amz-target") != nil, !wire.body.isEmpty, wire.header("content-type") != nil, !claim.signedHeaders.contains("content-type") {
            return SigV4Error(.signatureDoesNotMatch, "'Content-Type' must be a 'SignedHeader' in the AWS Authorization.")
        }
        return nil
    }
}
