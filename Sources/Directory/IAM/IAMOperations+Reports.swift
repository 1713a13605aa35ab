import AWSWire
import Foundation
import Storage

extension IAMOperations {
    var reportEntries: [Entry] {
        [
            Entry(name: "GenerateCredentialReport", readOnly: false, handler: { try await generateCredentialReport($0) }),
            Entry(name: "GetCredentialReport", readOnly: true, handler: { try getCredentialReport($0) }),
            Entry(name: "GetAccountAuthorizationDetails", readOnly: true, handler: { try getAccountAuthorizationDetails($0) }),
        ]
    }

    /// AWS's columns, in AWS's order.
    static let credentialReportColumns = [
        "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed", "password_next_rotation",
        "mfa_active", "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region",
        "access_key_1_last_used_service", "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
        "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active", "cert_1_last_rotated", "cert_2_active",
        "cert_2_last_rotated",
    ]

    /// A report less than four hours old is returned as is; AWS makes a new one after that.
    static let reportLifetime: TimeInterval = 4 * 3600

    func generateCredentialReport(_ call: OperationCall) async throws -> AWSValue {
        let tx = try Self.transaction(call)
        if let existing = try await tx.get(CredentialReport.self, .credentialReport, "account"),
            call.time.timeIntervalSince(existing.generated) < Self.reportLifetime
        {
            return ["State": "COMPLETE", "Description": "No report generation required: the existing report is less than four hours old."]
        }
        let report = CredentialReport(generated: call.time, csv: try await credentialReportCSV(tx, now: call.time))
        try await tx.put(report, .credentialReport, "account")
        return ["State": "COMPLETE", "Description": "The credential report has been generated."]
    }

    func getCredentialReport(_ call: OperationCall) throws -> AWSValue {
        guard let report = directory.iam(try Self.account(call)).credentialReport else {
            throw Self.model.error("CredentialReportNotPresentException", "Unknown")
        }
        if call.time.timeIntervalSince(report.generated) > Self.reportLifetime {
            throw Self.model.error("CredentialReportExpiredException", "The credential report is expired. Generate a new one.")
        }
        return ["Content": .blob(Array(report.csv.utf8)), "ReportFormat": "text/csv", "GeneratedTime": .timestamp(report.generated)]
    }

    func credentialReportCSV(_ tx: DocumentTransaction, now: Date) async throws -> String {
        func time(_ date: Date?) -> String {
            guard let date else { return "N/A" }
            return Timestamp.iso8601(date).replacingOccurrences(of: "Z", with: "+00:00")
        }
        let users = try await tx.all(IAMUser.self, .user).sorted { $0.name.lowercased() < $1.name.lowercased() }
        let profiles = try await tx.all(LoginProfile.self, .loginProfile)
        let devices = try await tx.all(VirtualMFADevice.self, .mfaDevice)
        let policy = try await tx.get(PasswordPolicy.self, .passwordPolicy, "account")
        var lines = [Self.credentialReportColumns.joined(separator: ",")]
        func keyColumns(_ keys: [AccessKeyRecord]) async throws -> [String] {
            var columns: [String] = []
            for index in 0..<2 {
                guard index < keys.count else {
                    columns += ["false", "N/A", "N/A", "N/A", "N/A"]
                    continue
                }
                let key = keys[index]
                let use = try await directory.lastUse(of: key.id)
                columns += [
                    key.status == "Active" ? "true" : "false", time(Date(timeIntervalSince1970: key.createdAt)),
                    time(use.map { Date(timeIntervalSince1970: $0.at) }), use?.region ?? "N/A", use?.service ?? "N/A",
                ]
            }
            return columns
        }
        let account = directory.account(id: tx.accountId)
        let rootKeys = try await tx.session.accessKeys(accountId: tx.accountId, userName: nil)
        var root = [
            "<root_account>", "arn:aws:iam::\(tx.accountId):root", time(account?.created), "not_supported", "N/A", "not_supported",
            "not_supported", devices.contains { $0.userName == VirtualMFADevice.rootOwner } ? "true" : "false",
        ]
        root += try await keyColumns(rootKeys)
        root += ["false", "N/A", "false", "N/A"]
        lines.append(root.joined(separator: ","))
        for user in users {
            let profile = profiles.first { $0.userName.lowercased() == user.name.lowercased() }
            let rotation: String =
                if let profile, let age = policy?.maxPasswordAge, age > 0 {
                    time(profile.passwordChanged.addingTimeInterval(Double(age) * 86_400))
                } else {
                    "N/A"
                }
            var row = [
                user.name, user.arn, time(user.created), profile == nil ? "false" : "true", time(user.passwordLastUsed),
                profile.map { time($0.passwordChanged) } ?? "N/A", rotation,
                devices.contains { $0.userName?.lowercased() == user.name.lowercased() } ? "true" : "false",
            ]
            row += try await keyColumns(try await tx.session.accessKeys(accountId: tx.accountId, userName: user.name))
            row += ["false", "N/A", "false", "N/A"]
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    func getAccountAuthorizationDetails(_ call: OperationCall) throws -> AWSValue {
        let accountId = try Self.account(call)
        let iam = directory.iam(accountId)
        let filter = Set((call.input["Filter"]?.list ?? []).compactMap(\.string))
        func wanted(_ type: String) -> Bool { filter.isEmpty || filter.contains(type) }
        func inline(_ policies: [String: String]) -> AWSValue {
            .list(policies.keys.sorted().map { ["PolicyName": .string($0), "PolicyDocument": Self.encodedDocument(policies[$0]!)] })
        }
        func attached(_ arns: [String]) -> AWSValue {
            .list(arns.compactMap { try? policy($0, in: iam, accountId: accountId) }.map { ["PolicyName": .string($0.name), "PolicyArn": .string($0.arn)] })
        }
        var output: [String: AWSValue] = ["IsTruncated": .boolean(false)]
        output["UserDetailList"] = .list(
            wanted("User")
                ? iam.users.values.map { user in
                    guard case .object(var value) = Self.userOutput(user) else { return .empty }
                    value["UserPolicyList"] = inline(user.inlinePolicies)
                    value["GroupList"] = .list(user.groups.map { .string($0) })
                    value["AttachedManagedPolicies"] = attached(user.attachedPolicies)
                    return .object(value)
                } : [])
        output["GroupDetailList"] = .list(
            wanted("Group")
                ? iam.groups.values.map { group in
                    guard case .object(var value) = Self.groupOutput(group) else { return .empty }
                    value["GroupPolicyList"] = inline(group.inlinePolicies)
                    value["AttachedManagedPolicies"] = attached(group.attachedPolicies)
                    return .object(value)
                } : [])
        output["RoleDetailList"] = .list(
            wanted("Role")
                ? iam.roles.values.map { role in
                    guard case .object(var value) = Self.roleOutput(role) else { return .empty }
                    value["RolePolicyList"] = inline(role.inlinePolicies)
                    value["AttachedManagedPolicies"] = attached(role.attachedPolicies)
                    value["InstanceProfileList"] = .list([])
                    return .object(value)
                } : [])
        var policies: [ManagedPolicy] = []
        if wanted("LocalManagedPolicy") { policies += iam.policies.values }
        if wanted("AWSManagedPolicy") { policies += AWSManagedPolicies.all.filter { iam.attachmentCount(of: $0.arn) > 0 } }
        output["Policies"] = .list(
            policies.sorted { $0.arn < $1.arn }.map { policy in
                guard case .object(var value) = Self.policyOutput(policy, attachments: iam.attachmentCount(of: policy.arn), tags: false) else {
                    return .empty
                }
                value["PolicyVersionList"] = .list(policy.versions.map { Self.versionOutput($0, policy: policy, document: true) })
                return .object(value)
            })
        return .object(output)
    }
}
