import AWSWire
import AccessPolicy
import Directory
import Foundation

extension STSOperations {
    /// AssumeRole: temporary credentials for a role whose trust policy (checked by the authorizer, with the
    /// caller's own policies) lets the caller in. Session policies cap the session; tags mark it.
    func assumeRole(_ call: OperationCall) async throws -> AWSValue {
        let caller = try call.requireCaller()
        let principal = caller.principal
        let roleArn = call.input["RoleArn"]?.string ?? ""
        func refused() -> AWSError {
            AWSError(code: "AccessDenied", message: "User: \(principal.arn) is not authorized to perform: sts:AssumeRole on resource: \(roleArn)", status: 403)
        }
        if principal.kind == .root {
            throw AWSError(code: "AccessDenied", message: "Roles may not be assumed by root accounts.", status: 403)
        }
        let parts = roleArn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[2] == "iam", let roleName = parts[5].split(separator: "/").last.map(String.init),
            let role = directory.iam(String(parts[4])).roles[roleName.lowercased()], role.arn == roleArn
        else { throw refused() }
        let roleAccount = String(parts[4])
        var mfaAt: Date?
        if let serial = call.input["SerialNumber"]?.string {
            guard let owner = VirtualMFADevice.owner(of: principal),
                try await directory.verifyMFACode(
                    accountId: principal.accountId, owner: owner, serialNumber: serial, code: call.input["TokenCode"]?.string ?? "", now: call.time,
                    in: try call.requireSession())
            else {
                throw AWSError(code: "AccessDenied", message: "MultiFactorAuthentication failed with invalid MFA one time pass code. ", status: 403)
            }
            mfaAt = call.time
        }
        let chained = principal.kind == .assumedRole
        let duration = call.input["DurationSeconds"]?.integer ?? 3600
        if chained, duration > 3600 {
            throw AWSError.validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", wireProtocol: .query)
        }
        if duration > Int64(role.maxSessionDuration) {
            throw AWSError.validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", wireProtocol: .query)
        }
        var session = RoleSession(roleName: role.name, sessionName: call.input["RoleSessionName"]?.string ?? "")
        session.chained = chained
        if let policy = call.input["Policy"]?.string {
            do {
                _ = try PolicyParser.parse(policy, kind: .identity)
            } catch {
                throw ServiceModel.sts.error("MalformedPolicyDocumentException", error.description)
            }
            session.policies = [policy]
        }
        session.policyArns = (call.input["PolicyArns"]?.list ?? []).compactMap { $0["arn"]?.string }
        let roleIAM = directory.iam(roleAccount)
        for arn in session.policyArns where AWSManagedPolicies.byArn[arn] == nil {
            guard let name = arn.split(separator: "/").last, roleIAM.policies[name.lowercased()]?.arn == arn else {
                throw AWSError(code: "InvalidParameterValue", message: "The policy ARN \(arn) is not valid.", status: 400)
            }
        }
        let packed = packedSize(session)
        if packed > 100 {
            throw ServiceModel.sts.error("PackedPolicyTooLargeException", "Packed size of session policies and tags exceeds the limit (\(packed)% of allowed).")
        }
        // Tags the calling session made transitive come along when roles chain.
        let inherited = principal.roleSession.map { previous in previous.tags.filter { previous.transitiveTagKeys.contains($0.key) } } ?? []
        let requested = (call.input["Tags"]?.list ?? []).compactMap { tag -> IAMTag? in
            guard let key = tag["Key"]?.string, let value = tag["Value"]?.string else { return nil }
            return IAMTag(key: key, value: value)
        }
        session.tags = inherited + requested.filter { tag in !inherited.contains { $0.key.lowercased() == tag.key.lowercased() } }
        session.transitiveTagKeys = (principal.roleSession?.transitiveTagKeys ?? []) + (call.input["TransitiveTagKeys"]?.list ?? []).compactMap(\.string)
        let requestedSource = call.input["SourceIdentity"]?.string
        if let previous = principal.roleSession?.sourceIdentity, let requestedSource, requestedSource != previous {
            throw AWSError(code: "AccessDenied", message: "SourceIdentity cannot be changed once set in a role chain.", status: 403)
        }
        session.sourceIdentity = principal.roleSession?.sourceIdentity ?? requestedSource
        let credentials = try await directory.issueTemporaryCredentials(
            accountId: roleAccount, roleSession: session, duration: Double(duration), mfaAt: mfaAt ?? caller.mfaAuthenticated, now: call.time,
            in: try call.requireSession())
        var output: [String: AWSValue] = [
            "Credentials": [
                "AccessKeyId": .string(credentials.accessKeyId), "SecretAccessKey": .string(credentials.secretAccessKey),
                "SessionToken": .string(credentials.sessionToken), "Expiration": .timestamp(credentials.expiration),
            ],
            "AssumedRoleUser": [
                "AssumedRoleId": .string("\(role.id):\(session.sessionName)"),
                "Arn": .string("arn:aws:sts::\(roleAccount):assumed-role/\(role.name)/\(session.sessionName)"),
            ],
        ]
        if session.hasSessionPolicies || !session.tags.isEmpty { output["PackedPolicySize"] = .integer(Int64(packed)) }
        if let source = session.sourceIdentity { output["SourceIdentity"] = .string(source) }
        return .object(output)
    }

    /// How full the packed session policies and tags are, in percent of AWS's limit (2,048 bytes of policy, 50 tags).
    func packedSize(_ session: RoleSession) -> Int {
        let policyBytes = session.policies.reduce(0) { $0 + $1.filter { !$0.isWhitespace }.utf8.count } + session.policyArns.count * 64
        let tagBytes = session.tags.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        return max(policyBytes * 100 / 2048, tagBytes * 100 / 2048)
    }
}
