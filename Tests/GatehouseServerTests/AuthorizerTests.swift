import AWSWire
@testable import Directory
import Foundation
@testable import Authorization
import Logging
import Storage
import Testing

/// The authorizer without sockets, over an in-memory directory, down to the exact `AccessDenied` text: one row per
/// rule, each with the caller AWS's rule is about.
struct AuthorizerTests {
    static let management = "111111111111"
    static let member = "222222222222"
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static let organization = Organization(
        id: "o-abcdefghij", managementAccountId: management, managementAccountEmail: "m@example.com", featureSet: "ALL", rootId: "r-abcd",
        created: now)
    static let denyCreateUser = #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}"#
    static let admin = "arn:aws:iam::aws:policy/AdministratorAccess"

    /// A management account whose organization has SCPs on, with `deny` attached to the member account, and in
    /// each account a user `alice` with AdministratorAccess and `sts:AssumeRole` on every role, and a role `Deploy`
    /// that only `bob` may assume.
    func withDirectory(scp deny: String? = denyCreateUser, _ body: (Directory, Authorizer) async throws -> Void) async throws {
        let directory = try await Directory.open(dataDirectory: nil, bcryptCost: 10, logger: Logger(label: "test"))
        try await directory.store.write { session in
            let tx = DocumentTransaction(session: session, accountId: Self.management)
            try await tx.put(Self.organization, OrganizationDocumentKind.organization, "organization")
            for (account, parent) in [(Self.management, "r-abcd"), (Self.member, "r-abcd")] {
                try await tx.put(OrganizationMember(accountId: account, parentId: parent, joinedMethod: "CREATED", joined: Self.now), OrganizationDocumentKind.member, account)
            }
            try await tx.put(EnabledPolicyTypes(types: [OrganizationPolicyType.serviceControl: Self.now]), OrganizationDocumentKind.policyTypes, "root")
            var full = try #require(OrganizationPolicyType.fullAccess(OrganizationPolicyType.serviceControl))
            full.targets = ["r-abcd", Self.management, Self.member]
            try await tx.put(full, OrganizationDocumentKind.policy, full.id)
            if let deny {
                let policy = OrganizationPolicy(id: "p-denyusers", name: "deny", description: "", type: OrganizationPolicyType.serviceControl, content: deny, awsManaged: false, targets: [Self.member])
                try await tx.put(policy, OrganizationDocumentKind.policy, policy.id)
            }
            for account in [Self.management, Self.member] {
                let iam = DocumentTransaction(session: session, accountId: account)
                var alice = IAMUser(name: "alice", id: "AIDA\(account)", path: "/", arn: "arn:aws:iam::\(account):user/alice", created: Self.now)
                alice.attachedPolicies = [Self.admin]
                try await iam.put(alice, IAMDocumentKind.user, "alice")
                let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(account):user/bob"},"Action":"sts:AssumeRole"}]}"#
                try await iam.put(
                    IAMRole(name: "Deploy", id: "AROA\(account)", path: "/", arn: "arn:aws:iam::\(account):role/Deploy", created: Self.now, trustPolicy: trust, maxSessionDuration: 3600),
                    IAMDocumentKind.role, "deploy")
            }
        }
        try await directory.refresh()
        do {
            try await body(directory, Authorizer(directory: directory))
        } catch {
            try await directory.close()
            throw error
        }
        try await directory.close()
    }

    static func caller(_ principal: Principal) -> Caller {
        Caller(principal: principal, accessKeyId: "AKIATEST", sessionCredentials: false, region: "us-east-1", sourceIPAddress: "127.0.0.1", userAgent: "test")
    }

    static func alice(_ account: String, in directory: Directory) throws -> Caller {
        caller(.user(try #require(directory.iam(account).user("alice")), of: account))
    }

    /// The refusal's message, or `nil` when the request is allowed.
    func refusal(_ authorizer: Authorizer, _ caller: Caller, _ service: ServiceModel, _ operation: String, _ input: AWSValue) throws -> String? {
        let operation = try #require(service.operations[operation])
        do throws(AWSError) {
            try authorizer.authorize(caller, service: service, operation: operation, input: input, now: Self.now)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func anSCPBindsAMemberAccountsUsersAndRootButNotTheManagementAccount() async throws {
        try await withDirectory { directory, authorizer in
            let create: AWSValue = ["UserName": "mallory"]
            let refused1 = try refusal(authorizer, Self.alice(Self.member, in: directory), .iam, "CreateUser", create)
            #expect(refused1 == "User: arn:aws:iam::222222222222:user/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::222222222222:user/mallory with an explicit deny in a service control policy")
            let refused2 = try refusal(authorizer, Self.caller(.root(of: Self.member)), .iam, "CreateUser", create)
            #expect(refused2 == "User: arn:aws:iam::222222222222:root is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::222222222222:user/mallory with an explicit deny in a service control policy")
            let refused3 = try refusal(authorizer, Self.caller(.root(of: Self.member)), .iam, "ListUsers", [:])
            #expect(refused3 == nil)
            let refused4 = try refusal(authorizer, Self.alice(Self.management, in: directory), .iam, "CreateUser", create)
            #expect(refused4 == nil)
            let refused5 = try refusal(authorizer, Self.caller(.root(of: Self.management)), .iam, "CreateUser", create)
            #expect(refused5 == nil)
            // GetCallerIdentity is never refused.
            let refused6 = try refusal(authorizer, Self.caller(.root(of: Self.member)), .sts, "GetCallerIdentity", [:])
            #expect(refused6 == nil)
        }
    }

    @Test func withoutAnSCPThatAllowsNothingIsAllowed() async throws {
        try await withDirectory(scp: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:List*","Resource":"*"}]}"#) { directory, authorizer in
            // The account level has FullAWSAccess and the read-only SCP; the root level FullAWSAccess: everything allowed.
            let refused7 = try refusal(authorizer, Self.alice(Self.member, in: directory), .iam, "CreateUser", ["UserName": "x"])
            #expect(refused7 == nil)
        }
    }

    @Test func aTrustPolicyMustAllowWithinTheAccount() async throws {
        try await withDirectory(scp: nil) { directory, authorizer in
            let assume: AWSValue = ["RoleArn": "arn:aws:iam::111111111111:role/Deploy", "RoleSessionName": "s"]
            let refused8 = try refusal(authorizer, Self.alice(Self.management, in: directory), .sts, "AssumeRole", assume)
            #expect(refused8 == "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/Deploy")
        }
    }

    @Test func tagsAndASourceIdentityNeedTheirOwnLeave() async throws {
        try await withDirectory(scp: nil) { directory, authorizer in
            try await directory.store.write { session in
                let tx = DocumentTransaction(session: session, accountId: Self.management)
                var role = try #require(try await tx.get(IAMRole.self, IAMDocumentKind.role, "deploy"))
                role.trustPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}]}"#
                try await tx.put(role, IAMDocumentKind.role, "deploy")
            }
            try await directory.refresh()
            let caller = try Self.alice(Self.management, in: directory)
            let base: [String: AWSValue] = ["RoleArn": "arn:aws:iam::111111111111:role/Deploy", "RoleSessionName": "s"]
            let refused9 = try refusal(authorizer, caller, .sts, "AssumeRole", .object(base))
            #expect(refused9 == nil)
            var tagged = base
            tagged["Tags"] = [["Key": "team", "Value": "admin"]]
            let refused10 = try refusal(authorizer, caller, .sts, "AssumeRole", .object(tagged))
            #expect(refused10 == "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:TagSession on resource: arn:aws:iam::111111111111:role/Deploy")
            var sourced = base
            sourced["SourceIdentity"] = "someone"
            let refused11 = try refusal(authorizer, caller, .sts, "AssumeRole", .object(sourced))
            #expect(refused11 == "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:SetSourceIdentity on resource: arn:aws:iam::111111111111:role/Deploy")
        }
    }

    @Test func aScopedDenyOnAPermissionSetMatchesItsARN() async throws {
        try await withDirectory(scp: nil) { directory, authorizer in
            let permissionSet = "arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-aaaabbbbccccdddd"
            try await directory.store.write { session in
                let tx = DocumentTransaction(session: session, accountId: Self.management)
                var alice = try #require(try await tx.get(IAMUser.self, IAMDocumentKind.user, "alice"))
                alice.inlinePolicies["protect"] = #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sso:DeletePermissionSet","Resource":"\#(permissionSet)"}]}"#
                try await tx.put(alice, IAMDocumentKind.user, "alice")
            }
            try await directory.refresh()
            let caller = try Self.alice(Self.management, in: directory)
            let input: AWSValue = ["InstanceArn": "arn:aws:sso:::instance/ssoins-1111222233334444", "PermissionSetArn": .string(permissionSet)]
            let refused12 = try refusal(authorizer, caller, .ssoAdmin, "DeletePermissionSet", input)
            #expect(refused12 == "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sso:DeletePermissionSet on resource: \(permissionSet) with an explicit deny in an identity-based policy")
            let other: AWSValue = ["InstanceArn": "arn:aws:sso:::instance/ssoins-1111222233334444", "PermissionSetArn": "arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-0000000000000000"]
            let refused13 = try refusal(authorizer, caller, .ssoAdmin, "DeletePermissionSet", other)
            #expect(refused13 == nil)
        }
    }
}
