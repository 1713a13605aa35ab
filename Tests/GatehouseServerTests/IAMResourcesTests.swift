import AWSWire
@testable import Directory
import Foundation
@testable import GatehouseServer
import Testing

/// The resource ARN each kind of IAM operation acts on, and the tags `aws:ResourceTag/...` reads.
struct IAMResourcesTests {
    static let account = "111122223333"
    static let root = Caller(
        principal: .root(of: account), accessKeyId: "AKIAROOT", sessionCredentials: false, region: "us-east-1", sourceIPAddress: "127.0.0.1",
        userAgent: "test")
    static let alice = Caller(
        principal: Principal(kind: .user, accountId: account, arn: "arn:aws:iam::\(account):user/alice", userId: "AIDAALICE", username: "alice"),
        accessKeyId: "AKIAALICE", sessionCredentials: false, region: "us-east-1", sourceIPAddress: "127.0.0.1", userAgent: "test")

    static func arn(_ operation: String, _ input: AWSValue, caller: Caller = root, service: ServiceModel = .iam, iam: AccountIAM = AccountIAM()) -> String {
        IAMResources.arn(operation: operation, input: input, caller: caller, iam: iam, service: service)
    }

    @Test(arguments: [
        ("CreateUser", ["UserName": "bob"], "arn:aws:iam::111122223333:user/bob"),
        ("CreateUser", ["UserName": "bob", "Path": "/team/"], "arn:aws:iam::111122223333:user/team/bob"),
        ("AddUserToGroup", ["GroupName": "devs", "UserName": "bob"], "arn:aws:iam::111122223333:group/devs"),
        ("ListGroupsForUser", ["UserName": "bob"], "arn:aws:iam::111122223333:user/bob"),
        ("ListGroups", [:], "arn:aws:iam::111122223333:group/"),
        ("ListRoles", ["PathPrefix": "/svc/"], "arn:aws:iam::111122223333:role/svc/"),
        ("ListUsers", [:], "arn:aws:iam::111122223333:user/"),
        ("CreateRole", ["RoleName": "Deployer"], "arn:aws:iam::111122223333:role/Deployer"),
        ("DeleteVirtualMFADevice", ["SerialNumber": "arn:aws:iam::111122223333:mfa/key"], "arn:aws:iam::111122223333:mfa/key"),
        ("CreateVirtualMFADevice", ["VirtualMFADeviceName": "key"], "arn:aws:iam::111122223333:mfa/key"),
        ("AttachUserPolicy", ["UserName": "bob", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"], "arn:aws:iam::111122223333:user/bob"),
        ("GetPolicy", ["PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"], "arn:aws:iam::aws:policy/ReadOnlyAccess"),
        ("CreatePolicy", ["PolicyName": "p"], "arn:aws:iam::111122223333:policy/p"),
        ("ListAccessKeys", [:], "*"),
        ("GetAccountSummary", [:], "*"),
    ] as [(String, AWSValue, String)])
    func operationsActOnTheResourceTheirNamesSay(operation: String, input: AWSValue, arn: String) {
        #expect(Self.arn(operation, input) == arn)
    }

    @Test func ownCredentialsActOnTheCallingUser() {
        #expect(Self.arn("ListAccessKeys", [:], caller: Self.alice) == "arn:aws:iam::111122223333:user/alice")
        #expect(Self.arn("GetUser", [:], caller: Self.alice) == "arn:aws:iam::111122223333:user/alice")
        #expect(Self.arn("ListMFADevices", [:], caller: Self.alice) == "arn:aws:iam::111122223333:user/alice")
        #expect(Self.arn("ListUsers", [:], caller: Self.alice) == "arn:aws:iam::111122223333:user/")
    }

    @Test func otherServicesNameTheirOwn() {
        #expect(Self.arn("AssumeRole", ["RoleArn": "arn:aws:iam::111122223333:role/Deployer"], service: .sts) == "arn:aws:iam::111122223333:role/Deployer")
        #expect(Self.arn("GetCallerIdentity", [:], service: .sts) == "*")
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
