import AccessPolicy
import Testing

/// AWS's evaluation rules for trust and resource-based policies, one test per rule
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
struct EvaluationRulesTests {
    static let account = "111122223333"
    static let roleArn = "arn:aws:iam::111122223333:role/Deploy"
    static let sessionArn = "arn:aws:sts::111122223333:assumed-role/Deploy/ci"
    static let alice = PrincipalIdentity(arn: "arn:aws:iam::111122223333:user/alice", accountId: account, isRoot: false)
    static let session = PrincipalIdentity(arn: sessionArn, accountId: account, isRoot: false, roleArn: roleArn)

    func policy(_ statements: String, kind: PolicyKind = .identity, id: String = "p") throws -> CompiledPolicy {
        try CompiledPolicy(id: id, text: #"{"Version":"2012-10-17","Statement":\#(statements)}"#, kind: kind)
    }

    func trust(_ principal: String, action: String = "sts:AssumeRole", effect: String = "Allow") throws -> CompiledPolicy {
        try policy(#"[{"Effect":"\#(effect)","Principal":{"AWS":"\#(principal)"},"Action":"\#(action)"}]"#, kind: .trust, id: "trust")
    }

    func resourcePolicy(_ principal: String, effect: String = "Allow", not: Bool = false) throws -> CompiledPolicy {
        let element = not ? "NotPrincipal" : "Principal"
        return try policy(
            #"[{"Effect":"\#(effect)","\#(element)":{"AWS":\#(principal)},"Action":"s3:GetObject","Resource":"*"}]"#, kind: .resource, id: "bucket")
    }

    static let allowAll = #"[{"Effect":"Allow","Action":"*","Resource":"*"}]"#

    func outcome(
        _ set: PolicySet, action: String = "s3:GetObject", resource: String = "arn:aws:s3:::bucket/key", keys: [String: [String]] = [:],
        resourceAccount: String? = nil, principal: PrincipalIdentity
    ) -> Decision.Outcome {
        var context = RequestContext(action: action, resource: resource, keys: keys)
        context.resourceAccount = resourceAccount
        return PolicyEvaluator.evaluate(set, context: context, principal: principal).outcome
    }

    // MARK: Trust policies

    @Test func aTrustPolicyMustAllowEvenWhenIdentityPoliciesDo() throws {
        let admin = try policy(Self.allowAll)
        let elsewhere = try trust("arn:aws:iam::111122223333:user/bob")
        let set = PolicySet(identity: [admin], resource: [elsewhere], resourcePolicyRequired: true)
        #expect(outcome(set, action: "sts:AssumeRole", resource: Self.roleArn, principal: Self.alice) == .implicitDeny)
        #expect(PolicyEvaluator.evaluate(set, context: RequestContext(action: "sts:AssumeRole", resource: Self.roleArn), principal: Self.alice).decidingLayer == .resource)
        // No trust policy at all (a role that does not exist) is refused too.
        #expect(outcome(PolicySet(identity: [admin], resourcePolicyRequired: true), action: "sts:AssumeRole", resource: Self.roleArn, principal: Self.alice) == .implicitDeny)
    }

    @Test func aTrustPolicyNamingTheUserAllowsAloneButNamingTheAccountNeedsIdentityPolicies() throws {
        let direct = PolicySet(resource: [try trust(Self.alice.arn)], resourcePolicyRequired: true)
        #expect(outcome(direct, action: "sts:AssumeRole", resource: Self.roleArn, principal: Self.alice) == .allow)
        let accountWide = PolicySet(resource: [try trust("arn:aws:iam::111122223333:root")], resourcePolicyRequired: true)
        #expect(outcome(accountWide, action: "sts:AssumeRole", resource: Self.roleArn, principal: Self.alice) == .implicitDeny)
        var withIdentity = accountWide
        withIdentity.identity = [try policy(#"[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]"#)]
        #expect(outcome(withIdentity, action: "sts:AssumeRole", resource: Self.roleArn, principal: Self.alice) == .allow)
    }

    @Test func tagSessionNeedsItsOwnTrustStatement() throws {
        let set = PolicySet(resource: [try trust(Self.alice.arn)], resourcePolicyRequired: true)
        #expect(outcome(set, action: "sts:TagSession", resource: Self.roleArn, principal: Self.alice) == .implicitDeny)
        let both = PolicySet(
            resource: [try policy(#"[{"Effect":"Allow","Principal":{"AWS":"\#(Self.alice.arn)"},"Action":["sts:AssumeRole","sts:TagSession"]}]"#, kind: .trust)],
            resourcePolicyRequired: true)
        #expect(outcome(both, action: "sts:TagSession", resource: Self.roleArn, principal: Self.alice) == .allow)
    }

    // MARK: A role ARN names its sessions

    @Test func aPrincipalNamingARoleCoversItsSessions() throws {
        let allow = PolicySet(resource: [try trust(Self.roleArn)], resourcePolicyRequired: true)
        #expect(outcome(allow, action: "sts:AssumeRole", resource: "arn:aws:iam::111122223333:role/Next", principal: Self.session) == .allow)
        let deny = PolicySet(identity: [try policy(Self.allowAll)], resource: [try resourcePolicy(#""\#(Self.roleArn)""#, effect: "Deny")])
        #expect(outcome(deny, principal: Self.session) == .explicitDeny)
        // Another role's session is not covered.
        let other = PrincipalIdentity(
            arn: "arn:aws:sts::111122223333:assumed-role/Other/ci", accountId: Self.account, isRoot: false, roleArn: "arn:aws:iam::111122223333:role/Other")
        #expect(outcome(allow, action: "sts:AssumeRole", resource: Self.roleArn, principal: other) == .implicitDeny)
    }

    // MARK: Permissions boundaries and resource-based policies

    @Test func aGrantToTheRoleArnIsCappedByTheBoundaryAGrantToTheSessionIsNot() throws {
        let boundary = [try policy(#"[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]"#, id: "boundary")]
        let toRole = PolicySet(permissionsBoundary: boundary, resource: [try resourcePolicy(#""\#(Self.roleArn)""#)])
        #expect(outcome(toRole, principal: Self.session) == .implicitDeny)
        let toSession = PolicySet(permissionsBoundary: boundary, resource: [try resourcePolicy(#""\#(Self.sessionArn)""#)])
        #expect(outcome(toSession, principal: Self.session) == .allow)
        // Within its boundary, the grant to the role allows without an identity policy.
        let roomy = [try policy(#"[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]"#, id: "boundary")]
        #expect(outcome(PolicySet(permissionsBoundary: roomy, resource: [try resourcePolicy(#""\#(Self.roleArn)""#)]), principal: Self.session) == .allow)
        // Session policies cap a grant to the role the same way.
        let capped = PolicySet(session: boundary, resource: [try resourcePolicy(#""\#(Self.roleArn)""#)])
        #expect(outcome(capped, principal: Self.session) == .implicitDeny)
    }

    @Test func aGrantToAUserArnIsNotCappedByItsBoundary() throws {
        let boundary = [try policy(#"[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]"#, id: "boundary")]
        let set = PolicySet(permissionsBoundary: boundary, resource: [try resourcePolicy(#""\#(Self.alice.arn)""#)])
        #expect(outcome(set, principal: Self.alice) == .allow)
    }

    @Test func denyWithNotPrincipalAlwaysDeniesAPrincipalWithABoundary() throws {
        let exempt = try resourcePolicy(#"["\#(Self.alice.arn)","arn:aws:iam::111122223333:root"]"#, effect: "Deny", not: true)
        let admin = [try policy(Self.allowAll)]
        #expect(outcome(PolicySet(identity: admin, resource: [exempt]), principal: Self.alice) == .allow)
        var bounded = Self.alice
        bounded.hasPermissionsBoundary = true
        let set = PolicySet(identity: admin, permissionsBoundary: [try policy(Self.allowAll, id: "boundary")], resource: [exempt])
        #expect(outcome(set, principal: bounded) == .explicitDeny)
    }

    // MARK: Cross-account resources without an account in their ARN

    @Test func theResourceOwnerDecidesCrossAccountForARNsWithoutAnAccount() throws {
        let admin = PolicySet(identity: [try policy(Self.allowAll)])
        #expect(outcome(admin, principal: Self.alice) == .allow)
        #expect(outcome(admin, resourceAccount: Self.account, principal: Self.alice) == .allow)
        #expect(outcome(admin, resourceAccount: "444455556666", principal: Self.alice) == .implicitDeny)
        var granted = admin
        granted.resource = [try resourcePolicy(#""\#(Self.alice.arn)""#)]
        #expect(outcome(granted, resourceAccount: "444455556666", principal: Self.alice) == .allow)
    }

    // MARK: NotPrincipal names the whole chain

    @Test func notPrincipalExemptsOnlyAPrincipalNamedWithItsAccountAndRole() throws {
        let admin = [try policy(Self.allowAll)]
        func decided(_ names: [String], _ principal: PrincipalIdentity) throws -> Decision.Outcome {
            let list = names.map { #""\#($0)""# }.joined(separator: ",")
            return outcome(PolicySet(identity: admin, resource: [try resourcePolicy("[\(list)]", effect: "Deny", not: true)]), principal: principal)
        }
        let accountRoot = "arn:aws:iam::111122223333:root"
        #expect(try decided([Self.alice.arn, accountRoot], Self.alice) == .allow)
        #expect(try decided([Self.alice.arn], Self.alice) == .explicitDeny)
        #expect(try decided([accountRoot], Self.alice) == .explicitDeny)
        #expect(try decided([Self.sessionArn, Self.roleArn, accountRoot], Self.session) == .allow)
        #expect(try decided([Self.sessionArn, accountRoot], Self.session) == .explicitDeny)
        #expect(try decided([Self.roleArn, accountRoot], Self.session) == .explicitDeny)
    }

    // MARK: Policy variables without a value
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value: "the value is
    // effectively null": StringEquals and StringLike do not match it, StringNotEquals and StringNotLike do.

    @Test(arguments: [
        ("StringNotEquals", true), ("StringNotLike", true), ("StringNotEqualsIgnoreCase", true), ("StringEquals", false), ("StringLike", false),
        ("StringEqualsIgnoreCase", false),
    ])
    func aVariableWithoutAValueIsNull(_ operation: String, _ matches: Bool) throws {
        let statement = #"[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"\#(operation)":{"aws:PrincipalTag/team":"${aws:ResourceTag/team}"}}}]"#
        let allow = PolicySet(identity: [try policy(statement)])
        #expect(outcome(allow, keys: ["aws:PrincipalTag/team": ["red"]], principal: Self.alice) == (matches ? .allow : .implicitDeny))
        // With a value, the operator compares it.
        let same = ["aws:PrincipalTag/team": ["red"], "aws:ResourceTag/team": ["red"]]
        #expect(outcome(allow, keys: same, principal: Self.alice) == (operation.contains("Not") ? .implicitDeny : .allow))
    }

    @Test func awsDocumentedDenyOnAnUnsetPrincipalTagDenies() throws {
        // AWS's own example: "Access is explicitly denied when aws:principaltag/Team is not set."
        let set = PolicySet(identity: [
            try policy(Self.allowAll, id: "allow"),
            try policy(#"[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}}]"#, id: "deny"),
        ])
        #expect(outcome(set, keys: ["s3:ExistingObjectTag/Team": ["blue"]], principal: Self.alice) == .explicitDeny)
        #expect(outcome(set, keys: ["s3:ExistingObjectTag/Team": ["blue"], "aws:PrincipalTag/Team": ["blue"]], principal: Self.alice) == .allow)
    }

    @Test func aVariableWithoutAValueInAResourceMatchesNothing() throws {
        let set = PolicySet(identity: [try policy(#"[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${aws:username}/*"}]"#)])
        #expect(outcome(set, resource: "arn:aws:s3:::bucket/alice/key", keys: ["aws:username": ["alice"]], principal: Self.alice) == .allow)
        // A role session has no aws:username.
        #expect(outcome(set, resource: "arn:aws:s3:::bucket/alice/key", principal: Self.session) == .implicitDeny)
    }
}
