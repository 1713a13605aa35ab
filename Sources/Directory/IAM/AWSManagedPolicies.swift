import Crypto
import Foundation

/// The AWS managed policies Gatehouse ships, under `arn:aws:iam::aws:policy/...`: read-only, attachable in every account.
public enum AWSManagedPolicies {
    /// Every AWS managed policy, by ARN.
    public static let byArn: [String: ManagedPolicy] = Dictionary(uniqueKeysWithValues: all.map { ($0.arn, $0) })

    /// Every AWS managed policy, ordered by name.
    public static let all: [ManagedPolicy] = [
        make("AdministratorAccess", "/", "Provides full access to AWS services and resources.", #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}
            """#),
        make("Billing", "/job-function/", "Grants permissions for billing and cost management.", #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["account:GetAccountInformation","aws-portal:*","billing:*","budgets:*","ce:*","consolidatedbilling:*","cur:*","freetier:*","invoicing:*","payments:*","pricing:*","purchase-orders:*","tax:*"],"Resource":"*"}]}
            """#),
        make("IAMFullAccess", "/", "Provides full access to IAM via the AWS Management Console.", #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}
            """#),
        make("IAMReadOnlyAccess", "/", "Provides read only access to IAM via the AWS Management Console.", #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]}
            """#),
        make("IAMUserChangePassword", "/", "Provides the ability for an IAM user to change their own password.", #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ChangePassword"],"Resource":["arn:aws:iam::*:user/${aws:username}"]},{"Effect":"Allow","Action":["iam:GetAccountPasswordPolicy"],"Resource":"*"}]}
            """#),
        make("PowerUserAccess", "/", "Provides full access to AWS services and resources, but does not allow management of Users and groups.", #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["account:GetAccountInformation","account:GetPrimaryEmail","account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}]}
            """#),
        make("ReadOnlyAccess", "/", "Provides read-only access to AWS services and resources.", #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:Describe*","cloudtrail:Get*","cloudtrail:List*","cloudtrail:LookupEvents","iam:Generate*","iam:Get*","iam:List*","iam:Simulate*","identitystore:Describe*","identitystore:Get*","identitystore:IsMemberInGroups","identitystore:List*","organizations:Describe*","organizations:List*","sso:Describe*","sso:Get*","sso:List*","sts:GetAccessKeyInfo","sts:GetCallerIdentity","sts:GetSessionToken"],"Resource":"*"}]}
            """#),
        make("SecurityAudit", "/", "The security audit template grants access to read security configuration metadata.", #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","cloudtrail:GetEventSelectors","cloudtrail:GetTrail","cloudtrail:GetTrailStatus","cloudtrail:ListTags","cloudtrail:ListTrails","cloudtrail:LookupEvents","iam:GenerateCredentialReport","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy","organizations:Describe*","organizations:List*","sso:Describe*","sso:Get*","sso:List*","identitystore:Describe*","identitystore:List*"],"Resource":"*"}]}
            """#),
        make("ViewOnlyAccess", "/job-function/", "This policy grants permissions to view resources and basic metadata across all AWS services.", #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","cloudtrail:GetTrailStatus","cloudtrail:ListTags","cloudtrail:LookupEvents","iam:GetAccountSummary","iam:GetLoginProfile","iam:List*","organizations:Describe*","organizations:List*","sso:Describe*","sso:List*","identitystore:Describe*","identitystore:List*"],"Resource":"*"}]}
            """#),
    ]

    static func make(_ name: String, _ path: String, _ description: String, _ document: String) -> ManagedPolicy {
        // Stable IDs: the same policy has the same ID in every installation, as on AWS.
        let digest = SHA256.hash(data: Array(name.utf8))
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let id = "ANPA" + String(digest.prefix(17).map { alphabet[Int($0) % 32] })
        let published = Date(timeIntervalSince1970: 1_423_267_200)  // 2015-02-07, when AWS published the first of them
        return ManagedPolicy(
            name: name, id: id, path: path, arn: "arn:aws:iam::aws:policy\(path)\(name)", created: published, updated: published,
            description: description, tags: [], defaultVersionId: "v1",
            versions: [.init(id: "v1", document: document.trimmingCharacters(in: .whitespacesAndNewlines), created: published)],
            nextVersion: 2)
    }
}
