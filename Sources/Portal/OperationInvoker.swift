import AWSWire
import Directory

/// Runs AWS operations for the web pages as the signed-in person: authorized by the policy engine and
/// recorded in the audit trail exactly as the same call over the API would be (the console holds no back door).
public protocol OperationInvoker: Sendable {
    /// Runs `operation` of `service` with `input` as `caller` (`nil` for the operations AWS calls without SigV4,
    /// such as the access portal API's, which carry a bearer token); the output, or the AWS error the API would answer.
    func invoke(_ service: ServiceModel, _ operation: String, _ input: AWSValue, as caller: Caller?) async -> Result<AWSValue, AWSError>

    /// Whether `caller` may perform `operation` with `input`, for a page that does that operation's work itself
    /// (registering a security key is `iam:EnableMFADevice`); a refusal is recorded as the operation's would be.
    func authorize(_ service: ServiceModel, _ operation: String, _ input: AWSValue, as caller: Caller) -> AWSError?
}
