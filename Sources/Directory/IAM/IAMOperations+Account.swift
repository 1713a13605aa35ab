import AWSWire
import Foundation
import Storage

extension IAMOperations {
    var accountEntries: [Entry] {
        [
            Entry(name: "CreateAccountAlias", readOnly: false, handler: Self.createAccountAlias),
            Entry(name: "DeleteAccountAlias", readOnly: false, handler: Self.deleteAccountAlias),
            Entry(name: "ListAccountAliases", readOnly: true, handler: { try listAccountAliases($0) }),
            Entry(name: "GetAccountSummary", readOnly: true, handler: { try await getAccountSummary($0) }),
        ]
    }

    static func createAccountAlias(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let alias = try required(call, "AccountAlias")
        var settings = try await tx.get(AccountSettings.self, .settings, "account") ?? AccountSettings()
        if settings.alias == alias { return .empty }
        // Aliases are sign-in names: unique across every account of this installation.
        for document in try await tx.session.documents(kind: IAMDocumentKind.settings.rawValue) {
            if try DocumentCoding.decode(AccountSettings.self, document.body).alias == alias {
                throw alreadyExists("The account alias \(alias) already exists.")
            }
        }
        settings.alias = alias
        try await tx.put(settings, .settings, "account")
        return .empty
    }

    static func deleteAccountAlias(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let alias = try required(call, "AccountAlias")
        guard var settings = try await tx.get(AccountSettings.self, .settings, "account"), settings.alias == alias else {
            throw noSuchEntity("The account alias \(alias) cannot be found.")
        }
        settings.alias = nil
        try await tx.put(settings, .settings, "account")
        return .empty
    }

    func listAccountAliases(_ call: OperationCall) throws -> AWSValue {
        let settings = directory.iam(try Self.account(call)).settings
        return Self.listOutput("AccountAliases", settings.alias.map { [.string($0)] } ?? [], marker: nil)
    }

    func getAccountSummary(_ call: OperationCall) async throws -> AWSValue {
        let accountId = try Self.account(call)
        let iam = directory.iam(accountId)
        let rootKeys = try await directory.store.read { try await $0.accessKeys(accountId: accountId, userName: nil) }
        let counts: [String: Int] = [
            "Users": iam.users.count, "UsersQuota": 5000, "Groups": iam.groups.count, "GroupsQuota": 300, "Roles": iam.roles.count,
            "RolesQuota": 1000, "Policies": iam.policies.count, "PoliciesQuota": 1500,
            "PolicyVersionsInUse": iam.attachmentCounts.values.reduce(0, +),
            "PolicyVersionsInUseQuota": 10000, "VersionsPerPolicyQuota": 5, "PolicySizeQuota": 6144, "UserPolicySizeQuota": 2048,
            "GroupPolicySizeQuota": 5120, "RolePolicySizeQuota": 10240, "AssumeRolePolicySizeQuota": 2048, "GroupsPerUserQuota": 10,
            "AttachedPoliciesPerUserQuota": 10, "AttachedPoliciesPerGroupQuota": 10, "AttachedPoliciesPerRoleQuota": 10,
            "AccessKeysPerUserQuota": 2, "SigningCertificatesPerUserQuota": 2, "ServerCertificates": 0, "ServerCertificatesQuota": 20,
            "InstanceProfiles": 0, "InstanceProfilesQuota": 1000, "Providers": 0, "GlobalEndpointTokenVersion": 1,
            "MFADevices": iam.mfaDevices.count, "MFADevicesInUse": iam.mfaDevices.values.reduce(0) { $0 + ($1.enabled != nil ? 1 : 0) },
            "AccountMFAEnabled": iam.mfaDevices(of: VirtualMFADevice.rootOwner).contains { $0.enabled != nil } ? 1 : 0,
            "AccountAccessKeysPresent": rootKeys.isEmpty ? 0 : 1, "AccountSigningCertificatesPresent": 0,
        ]
        return ["SummaryMap": .object(counts.mapValues { .integer(Int64($0)) })]
    }
}
