import AWSWire
import Directory

/// The STS operations (`sts`, query protocol).
enum STSOperations {
    static func register(in registry: inout OperationRegistry) {
        registry.add(service: "sts", operation: "GetCallerIdentity", .init(handler: getCallerIdentity, readOnly: true))
    }

    /// Who the caller is: for root, the account ID as `UserId` and `arn:aws:iam::<id>:root`.
    static func getCallerIdentity(_ call: OperationCall) async throws -> AWSValue {
        guard let principal = call.caller?.principal else { throw AWSError.internalFailure }
        return ["UserId": .string(principal.userId), "Account": .string(principal.accountId), "Arn": .string(principal.arn)]
    }
}
