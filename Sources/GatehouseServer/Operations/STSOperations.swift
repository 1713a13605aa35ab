import AWSWire
import Directory
import Foundation

/// The STS operations (`sts`, query protocol).
struct STSOperations {
    let directory: Directory

    /// Every STS operation Gatehouse serves. GetSessionToken and AssumeRole are read-only to CloudTrail but write
    /// (the credentials they issue, the MFA code they check).
    var entries: [OperationEntry] {
        [
            OperationEntry(name: "GetCallerIdentity", readOnly: true, handler: Self.getCallerIdentity),
            OperationEntry(name: "GetSessionToken", readOnly: true, mutates: true, handler: { try await getSessionToken($0) }),
            OperationEntry(name: "AssumeRole", readOnly: true, mutates: true, handler: { try await assumeRole($0) }),
            OperationEntry(name: "GetAccessKeyInfo", readOnly: true, handler: { try getAccessKeyInfo($0) }),
        ]
    }

    /// Who the caller is: for root, the account ID as `UserId` and `arn:aws:iam::<id>:root`.
    static func getCallerIdentity(_ call: OperationCall) async throws -> AWSValue {
        guard let principal = call.caller?.principal else { throw AWSError.internalFailure }
        return ["UserId": .string(principal.userId), "Account": .string(principal.accountId), "Arn": .string(principal.arn)]
    }

    /// The account an access key belongs to (any key of this installation, as AWS answers for any AWS key).
    func getAccessKeyInfo(_ call: OperationCall) throws -> AWSValue {
        let id = call.input["AccessKeyId"]?.string ?? ""
        guard let credential = directory.credential(accessKeyId: id) else {
            throw AWSError(code: "InvalidParameterValue", message: "The access key \(id) is not valid.", status: 400)
        }
        return ["Account": .string(credential.accountId)]
    }

    /// Temporary credentials for the caller (root: at most an hour, AWS's rule; IAM users: 15 minutes to
    /// 36 hours, 12 by default). With `SerialNumber` and `TokenCode`, the session carries MFA.
    func getSessionToken(_ call: OperationCall) async throws -> AWSValue {
        let caller = try call.requireCaller()
        if caller.sessionCredentials {
            throw AWSError(code: "AccessDenied", message: "Cannot call GetSessionToken with session credentials", status: 403)
        }
        let principal = caller.principal
        var mfaAt: Date?
        if let serial = call.input["SerialNumber"]?.string {
            let code = call.input["TokenCode"]?.string ?? ""
            guard let owner = VirtualMFADevice.owner(of: principal),
                try await directory.verifyMFACode(
                    accountId: principal.accountId, owner: owner, serialNumber: serial, code: code, now: call.time, in: try call.requireSession())
            else {
                throw AWSError(code: "AccessDenied", message: "MultiFactorAuthentication failed with invalid MFA one time pass code. ", status: 403)
            }
            mfaAt = call.time
        }
        let requested = call.input["DurationSeconds"]?.integer ?? (principal.kind == .root ? 3600 : 43200)
        let duration = principal.kind == .root ? min(requested, 3600) : requested
        let credentials = try await directory.issueTemporaryCredentials(
            accountId: principal.accountId, userName: principal.kind == .user ? principal.username : nil, duration: Double(duration),
            mfaAt: mfaAt, now: call.time, in: try call.requireSession())
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
