import AWSWire
import Directory

/// The STS operations (`sts`, query protocol).
struct STSOperations {
    let directory: Directory

    func register(in registry: inout OperationRegistry) {
        registry.add(service: "sts", operation: "GetCallerIdentity", .init(handler: Self.getCallerIdentity, readOnly: true))
        registry.add(service: "sts", operation: "GetSessionToken", .init(handler: { try await getSessionToken($0) }, readOnly: true))
    }

    /// Who the caller is: for root, the account ID as `UserId` and `arn:aws:iam::<id>:root`.
    static func getCallerIdentity(_ call: OperationCall) async throws -> AWSValue {
        guard let principal = call.caller?.principal else { throw AWSError.internalFailure }
        return ["UserId": .string(principal.userId), "Account": .string(principal.accountId), "Arn": .string(principal.arn)]
    }

    /// Temporary credentials for the caller. The root user's sessions last at most an hour (AWS's rule);
    /// a session cannot make another.
    func getSessionToken(_ call: OperationCall) async throws -> AWSValue {
        guard let caller = call.caller else { throw AWSError.internalFailure }
        if caller.sessionCredentials {
            throw AWSError(code: "AccessDenied", message: "Cannot call GetSessionToken with session credentials", status: 403)
        }
        if call.input["SerialNumber"] != nil || call.input["TokenCode"] != nil {
            // No MFA device can be assigned yet, so no code can be right.
            throw AWSError(code: "AccessDenied", message: "MultiFactorAuthentication failed with invalid MFA one time pass code. ", status: 403)
        }
        let requested = call.input["DurationSeconds"]?.integer ?? 3600
        let duration = min(requested, 3600)
        let credentials = try await directory.issueTemporaryCredentials(
            accountId: caller.principal.accountId, duration: Double(duration), now: call.time)
        return [
            "Credentials": [
                "AccessKeyId": .string(credentials.accessKeyId),
                "SecretAccessKey": .string(credentials.secretAccessKey),
                "SessionToken": .string(credentials.sessionToken),
                "Expiration": .timestamp(credentials.expiration),
            ]
        ]
    }
}
