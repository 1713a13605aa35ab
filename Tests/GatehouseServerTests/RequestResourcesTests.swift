import AWSWire
import AccessPolicy
@testable import Directory
import Foundation
@testable import Authorization
import Testing

/// The resource ARNs each operation acts on, built from AWS's Service Authorization Reference, and the tags
/// `aws:ResourceTag/...` reads.
struct RequestResourcesTests {
    static let account = "111122223333"
    static let root = Caller(
        principal: .root(of: account), accessKeyId: "AKIAROOT", sessionCredentials: false, region: "us-east-1", sourceIPAddress: "127.0.0.1",
        userAgent: "test")
    static let alice = Caller(
        principal: Principal(kind: .user, accountId: account, arn: "arn:aws:iam::\(account):user/alice", userId: "AIDAALICE", username: "alice"),
        accessKeyId: "AKIAALICE", sessionCredentials: false, region: "us-east-1", sourceIPAddress: "127.0.0.1", userAgent: "test")

    static var iamWithAlice: AccountIAM {
        var iam = AccountIAM()
        iam.users["alice"] = IAMUser(name: "alice", id: "AIDAALICE", path: "/staff/", arn: "arn:aws:iam::111122223333:user/staff/alice", created: Date())
        return iam
    }

    static func arns(
        _ action: String, _ input: AWSValue, caller: Caller = root, naming: any ResourceNaming = IAMNaming(iam: iamWithAlice)
    ) -> [String] {
        RequestResources.resolve(ServiceAuthorizationReference.current.action(action), input: input, caller: caller, naming: naming).arns
    }

    @Test(arguments: [
        ("iam:CreateUser", ["UserName": "bob"], ["arn:aws:iam::111122223333:user/bob"]),
        ("iam:CreateUser", ["UserName": "bob", "Path": "/team/"], ["arn:aws:iam::111122223333:user/team/bob"]),
        ("iam:GetUser", ["UserName": "ALICE"], ["arn:aws:iam::111122223333:user/staff/alice"]),
        ("iam:AddUserToGroup", ["GroupName": "devs", "UserName": "bob"], ["arn:aws:iam::111122223333:group/devs"]),
        ("iam:ListGroupsForUser", ["UserName": "bob"], ["arn:aws:iam::111122223333:user/bob"]),
        ("iam:ListGroups", [:], ["arn:aws:iam::111122223333:group/"]),
        ("iam:ListRoles", ["PathPrefix": "/svc/"], ["arn:aws:iam::111122223333:role/svc/"]),
        ("iam:ListUsers", [:], ["arn:aws:iam::111122223333:user/"]),
        ("iam:ListAccountAliases", [:], ["*"]),
        ("iam:CreateRole", ["RoleName": "Deployer"], ["arn:aws:iam::111122223333:role/Deployer"]),
        // An ARN in a member that does not name the resource is text: the role is still the one named.
        ("iam:CreateRole", ["RoleName": "protected-admin", "Description": "arn:aws:iam::111122223333:role/harmless"],
         ["arn:aws:iam::111122223333:role/protected-admin"]),
        ("iam:UpdateRole", ["RoleName": "protected-admin", "Description": "arn:aws:iam::111122223333:role/harmless"],
         ["arn:aws:iam::111122223333:role/protected-admin"]),
        // A member names only a resource of its own type: a role's ARN in PolicyArn is not the role acted on.
        ("iam:AttachRolePolicy", ["RoleName": "protected-admin", "PolicyArn": "arn:aws:iam::111122223333:role/harmless"],
         ["arn:aws:iam::111122223333:role/protected-admin"]),
        ("iam:DeleteVirtualMFADevice", ["SerialNumber": "arn:aws:iam::111122223333:mfa/key"], ["arn:aws:iam::111122223333:mfa/key"]),
        ("iam:CreateVirtualMFADevice", ["VirtualMFADeviceName": "key"], ["arn:aws:iam::111122223333:mfa/key"]),
        ("iam:AttachUserPolicy", ["UserName": "bob", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"], ["arn:aws:iam::111122223333:user/bob"]),
        ("iam:GetPolicy", ["PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"], ["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
        ("iam:CreatePolicy", ["PolicyName": "p", "Path": "/x/"], ["arn:aws:iam::111122223333:policy/x/p"]),
        ("iam:GetAccountSummary", [:], ["*"]),
        // The reference's user type is required: without a user named, a policy must allow every user.
        ("iam:ListAccessKeys", [:], ["arn:aws:iam::111122223333:user/*"]),
        ("sts:AssumeRole", ["RoleArn": "arn:aws:iam::444455556666:role/ops/Deployer"], ["arn:aws:iam::444455556666:role/ops/Deployer"]),
        ("sts:GetCallerIdentity", [:], ["*"]),
    ] as [(String, AWSValue, [String])])
    func iamAndSTSResources(action: String, input: AWSValue, arns: [String]) {
        #expect(Self.arns(action, input) == arns)
    }

    @Test func ownCredentialsActOnTheCallingUser() {
        #expect(Self.arns("iam:ListAccessKeys", [:], caller: Self.alice) == ["arn:aws:iam::111122223333:user/staff/alice"])
        #expect(Self.arns("iam:GetUser", [:], caller: Self.alice) == ["arn:aws:iam::111122223333:user/staff/alice"])
        #expect(Self.arns("iam:ChangePassword", [:], caller: Self.alice) == ["arn:aws:iam::111122223333:user/staff/alice"])
        #expect(Self.arns("iam:ListMFADevices", [:], caller: Self.alice) == ["arn:aws:iam::111122223333:user/staff/alice"])
        // Optional for ListMFADevices: the root user naming no user acts on no particular one.
        #expect(Self.arns("iam:ListMFADevices", [:]) == ["*"])
        #expect(Self.arns("iam:ListUsers", [:], caller: Self.alice) == ["arn:aws:iam::111122223333:user/"])
    }

    static let instance = "arn:aws:sso:::instance/ssoins-1111222233334444"
    static let permissionSet = "arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-aaaabbbbccccdddd"

    @Test func identityCenterActsOnTheInstanceAndThePermissionSet() {
        let naming = SSOAdminNaming(snapshot: DirectorySnapshot(revision: 0))
        #expect(Self.arns("sso:DescribePermissionSet", ["InstanceArn": .string(Self.instance), "PermissionSetArn": .string(Self.permissionSet)], naming: naming)
            == [Self.instance, Self.permissionSet])
        #expect(Self.arns("sso:CreatePermissionSet", ["InstanceArn": .string(Self.instance), "Name": "Admin"], naming: naming)
            == [Self.instance, "arn:aws:sso:::permissionSet/ssoins-1111222233334444/*"])
        let assignment: AWSValue = [
            "InstanceArn": .string(Self.instance), "PermissionSetArn": .string(Self.permissionSet), "TargetType": "AWS_ACCOUNT", "TargetId": "444455556666",
            "PrincipalType": "USER", "PrincipalId": "9a6744d8-1234",
        ]
        #expect(Self.arns("sso:CreateAccountAssignment", assignment, naming: naming)
            == ["arn:aws:sso:::account/444455556666", Self.instance, Self.permissionSet])
        #expect(Self.arns("sso:ListInstances", [:], naming: naming) == ["*"])
    }

    @Test func identityStoreActsOnTheStoreAndItsMembers() {
        let naming = IdentityStoreNaming(snapshot: DirectorySnapshot(revision: 0))
        #expect(Self.arns("identitystore:DescribeUser", ["IdentityStoreId": "d-1234567890", "UserId": "u-1"], naming: naming)
            == ["arn:aws:identitystore::111122223333:identitystore/d-1234567890", "arn:aws:identitystore:::user/u-1"])
        #expect(Self.arns("identitystore:ListUsers", ["IdentityStoreId": "d-1234567890"], naming: naming)
            == ["arn:aws:identitystore:::user/*", "arn:aws:identitystore::111122223333:identitystore/d-1234567890"])
        let membership: AWSValue = ["IdentityStoreId": "d-1234567890", "GroupId": "g-1", "MemberId": ["UserId": "u-1"]]
        #expect(Self.arns("identitystore:CreateGroupMembership", membership, naming: naming)
            == ["arn:aws:identitystore:::group/g-1", "arn:aws:identitystore::111122223333:identitystore/d-1234567890", "arn:aws:identitystore:::user/u-1"])
    }

    @Test func organizationsActsOnTheAccountAndBothParentsOfAMove() {
        let organization = Organization(
            id: "o-abcdefghij", managementAccountId: "111122223333", managementAccountEmail: "m@example.com", featureSet: "ALL", rootId: "r-abcd",
            created: Date())
        let naming = OrganizationsNaming(organization: organization)
        let move: AWSValue = ["AccountId": "444455556666", "SourceParentId": "r-abcd", "DestinationParentId": "ou-abcd-12345678"]
        #expect(Self.arns("organizations:MoveAccount", move, naming: naming) == [
            "arn:aws:organizations::111122223333:account/o-abcdefghij/444455556666",
            "arn:aws:organizations::111122223333:ou/o-abcdefghij/ou-abcd-12345678",
            "arn:aws:organizations::111122223333:root/o-abcdefghij/r-abcd",
        ])
        #expect(Self.arns("organizations:ListChildren", ["ParentId": "r-abcd", "ChildType": "ACCOUNT"], naming: naming)
            == ["arn:aws:organizations::111122223333:root/o-abcdefghij/r-abcd"])
        #expect(Self.arns("organizations:DescribeOrganization", [:], naming: naming) == ["*"])
    }

    /// Every operation of the services Gatehouse authorizes is in the reference, with every resource type it names.
    @Test func everyOperationIsInTheReference() {
        // In botocore's models but not (yet) in AWS's reference.
        let absent: Set<String> = ["iam:UpdateDelegationRequest", "cloudtrail:ListInsightsMetricData"]
        for model in [ServiceModel.iam, .sts, .organizations, .cloudTrail, .ssoAdmin, .identityStore] {
            for name in model.operations.keys {
                let action = "\(model.signingName):\(name)"
                guard !absent.contains(action) else { continue }
                #expect(ServiceAuthorizationReference.current.action(action) != nil, "\(action)")
            }
        }
        #expect(ServiceAuthorizationReference.current.action("sts:TagSession") != nil)
    }

    @Test func templatesMatchOnlyTheirOwnType() throws {
        let role = try #require(ServiceAuthorizationReference.current.action("sts:AssumeRole")?.resources.first?.type.arn)
        #expect(role.matches("arn:aws:iam::111122223333:role/Deployer"))
        #expect(role.matches("arn:aws:iam::111122223333:role/ops/Deployer"))
        #expect(!role.matches("arn:aws:iam::111122223333:user/Deployer"))
        #expect(!role.matches("arn:aws:sts::111122223333:assumed-role/Deployer/s"))
        #expect(!role.matches("arn:aws:iam::111122223333:role/"))
    }

    @Test func resourceTagsAreThoseOfTheEntityTheARNNames() {
        var iam = AccountIAM()
        iam.roles["deployer"] = IAMRole(
            name: "Deployer", id: "AROA", path: "/ops/", arn: "arn:aws:iam::111122223333:role/ops/Deployer", created: Date(), trustPolicy: "{}",
            maxSessionDuration: 3600, tags: [IAMTag(key: "team", value: "blue")])
        #expect(IAMResources.tags(of: "arn:aws:iam::111122223333:role/ops/Deployer", iam: iam) == [IAMTag(key: "team", value: "blue")])
        #expect(IAMResources.tags(of: "arn:aws:iam::111122223333:role/Deployer", iam: iam) == [IAMTag(key: "team", value: "blue")])
        // A listing's path and an ARN of another type that ends in the name are not the role.
        #expect(IAMResources.tags(of: "arn:aws:iam::111122223333:role/deployer/", iam: iam) == nil)
        #expect(IAMResources.tags(of: "arn:aws:iam::111122223333:mfa/x:role/Deployer", iam: iam) == nil)
        #expect(IAMResources.tags(of: "*", iam: iam) == nil)
        #expect(IAMResources.tags(of: "arn:aws:iam::111122223333:user/nobody", iam: iam) == nil)
    }
}
