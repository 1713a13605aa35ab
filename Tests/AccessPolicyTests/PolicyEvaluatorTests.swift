import AccessPolicy
import Testing

struct PolicyEvaluatorTests {
    static let alice = PrincipalIdentity(arn: "arn:aws:iam::111122223333:user/alice", accountId: "111122223333", isRoot: false)

    func policy(_ statements: String, version: String = "2012-10-17", id: String = "p") throws -> CompiledPolicy {
        try CompiledPolicy(id: id, text: #"{"Version":"\#(version)","Statement":\#(statements)}"#)
    }

    func decide(
        _ identity: [CompiledPolicy], action: String = "iam:GetUser", resource: String = "arn:aws:iam::111122223333:user/alice",
        keys: [String: [String]] = [:], boundary: [CompiledPolicy]? = nil, session: [CompiledPolicy]? = nil,
        scp: [[CompiledPolicy]]? = nil, resourcePolicies: [CompiledPolicy] = [], principal: PrincipalIdentity = alice
    ) -> Decision {
        PolicyEvaluator.evaluate(
            PolicySet(identity: identity, permissionsBoundary: boundary, session: session, serviceControl: scp, resource: resourcePolicies),
            context: RequestContext(action: action, resource: resource, keys: keys), principal: principal)
    }

    @Test func nothingAllowsMeansImplicitDeny() {
        let decision = decide([])
        #expect(decision.outcome == .implicitDeny)
        #expect(decision.decidingLayer == .identity)
    }

    @Test func explicitDenyBeatsAllow() throws {
        let allow = try policy(#"[{"Effect":"Allow","Action":"*","Resource":"*"}]"#, id: "allow")
        let deny = try policy(#"[{"Sid":"NoIam","Effect":"Deny","Action":"iam:*","Resource":"*"}]"#, id: "deny")
        let decision = decide([allow, deny])
        #expect(decision.outcome == .explicitDeny)
        #expect(decision.matched.contains { $0.policyId == "deny" && $0.sid == "NoIam" && $0.effect == .deny })
        #expect(decide([allow, deny], action: "s3:GetObject", resource: "*").allowed)
    }

    @Test(arguments: [
        ("iam:Get*", "iam:GetUser", true), ("IAM:getuser", "iam:GetUser", true), ("iam:Get?ser", "iam:GetUser", true),
        ("iam:List*", "iam:GetUser", false), ("*", "sts:AssumeRole", true), ("iam:GetUs", "iam:GetUser", false),
    ])
    func actionsMatchCaseInsensitivelyWithWildcards(_ pattern: String, _ action: String, _ allowed: Bool) throws {
        let allow = try policy(#"[{"Effect":"Allow","Action":"\#(pattern)","Resource":"*"}]"#)
        #expect(decide([allow], action: action).allowed == allowed)
    }

    @Test(arguments: [
        ("arn:aws:iam::111122223333:user/*", "arn:aws:iam::111122223333:user/alice", true),
        ("arn:aws:iam::*:user/alice", "arn:aws:iam::111122223333:user/alice", true),
        ("arn:aws:iam::111122223333:user/Alice", "arn:aws:iam::111122223333:user/alice", false),
        ("arn:aws:iam::111122223333:user/al?ce", "arn:aws:iam::111122223333:user/alice", true),
        ("arn:aws:iam::111122223333:*", "arn:aws:iam::111122223333:user/path/alice", true),
        ("arn:aws:iam::444455556666:user/*", "arn:aws:iam::111122223333:user/alice", false),
    ])
    func resourcesMatchCaseSensitivelyBySegment(_ pattern: String, _ resource: String, _ allowed: Bool) throws {
        let allow = try policy(#"[{"Effect":"Allow","Action":"iam:GetUser","Resource":"\#(pattern)"}]"#)
        #expect(decide([allow], resource: resource).allowed == allowed)
    }

    @Test func notActionAndNotResource() throws {
        let power = try policy(#"[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]"#)
        #expect(!decide([power], action: "iam:CreateUser").allowed)
        #expect(decide([power], action: "s3:PutObject", resource: "arn:aws:s3:::b/k").allowed)
        let everywhereBut = try policy(#"[{"Effect":"Allow","Action":"iam:GetUser","NotResource":"arn:aws:iam::111122223333:user/root-ish"}]"#)
        #expect(decide([everywhereBut]).allowed)
        #expect(!decide([everywhereBut], resource: "arn:aws:iam::111122223333:user/root-ish").allowed)
        // A Deny with NotAction denies everything else.
        let denyAllBut = try policy(#"[{"Effect":"Deny","NotAction":"iam:ChangePassword","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}]"#)
        #expect(decide([denyAllBut], action: "iam:GetUser").outcome == .explicitDeny)
        #expect(decide([denyAllBut], action: "iam:ChangePassword").allowed)
    }

    @Test func permissionsBoundaryCapsIdentityPolicies() throws {
        let admin = try policy(#"[{"Effect":"Allow","Action":"*","Resource":"*"}]"#)
        let boundary = try policy(#"[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]"#, id: "boundary")
        #expect(decide([admin], boundary: [boundary]).allowed)
        let capped = decide([admin], action: "iam:CreateUser", boundary: [boundary])
        #expect(capped.outcome == .implicitDeny)
        #expect(capped.decidingLayer == .permissionsBoundary)
        // The boundary grants nothing by itself.
        #expect(!decide([], boundary: [boundary]).allowed)
    }

    @Test func sessionPoliciesCapToo() throws {
        let admin = try policy(#"[{"Effect":"Allow","Action":"*","Resource":"*"}]"#)
        let session = try policy(#"[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]"#)
        #expect(decide([admin], action: "s3:GetObject", resource: "*", session: [session]).allowed)
        #expect(decide([admin], session: [session]).decidingLayer == .session)
    }

    @Test func serviceControlPoliciesBindRootToo() throws {
        let root = PrincipalIdentity(arn: "arn:aws:iam::111122223333:root", accountId: "111122223333", isRoot: true)
        #expect(decide([], principal: root).allowed)
        let fullAccess = try policy(#"[{"Effect":"Allow","Action":"*","Resource":"*"}]"#)
        let denyLeave = try policy(#"[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]"#)
        #expect(decide([], action: "organizations:LeaveOrganization", resource: "*", scp: [[fullAccess, denyLeave]], principal: root).outcome == .explicitDeny)
        let onlyS3 = try policy(#"[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]"#)
        #expect(decide([], scp: [[fullAccess], [onlyS3]], principal: root).decidingLayer == .serviceControl)
    }

    @Test func resourcePolicyNamingThePrincipalAllows() throws {
        let bucket = try CompiledPolicy(
            id: "bucket",
            text: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"*"}]}"#,
            kind: .resource)
        #expect(decide([], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", resourcePolicies: [bucket]).allowed)
        let bob = PrincipalIdentity(arn: "arn:aws:iam::111122223333:user/bob", accountId: "111122223333", isRoot: false)
        #expect(!decide([], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", resourcePolicies: [bucket], principal: bob).allowed)
    }

    @Test func policyVariables() throws {
        let own = try policy(#"[{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::*:user/${aws:username}"}]"#)
        let keys = ["aws:username": ["alice"]]
        #expect(decide([own], action: "iam:CreateAccessKey", keys: keys).allowed)
        #expect(!decide([own], action: "iam:CreateAccessKey", resource: "arn:aws:iam::111122223333:user/bob", keys: keys).allowed)
        // A missing variable matches nothing; a default fills in.
        #expect(!decide([own], action: "iam:CreateAccessKey").allowed)
        let fallback = try policy(#"[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:PrincipalTag/team, 'alice'}"}]"#)
        #expect(decide([fallback]).allowed)
        // In 2008-10-17 a variable is literal text.
        let old = try policy(#"[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]"#, version: "2008-10-17")
        #expect(!decide([old], keys: keys).allowed)
        // ${*} is a literal asterisk, not a wildcard.
        let literal = try policy(#"[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/a${*}"}]"#)
        #expect(!decide([literal], resource: "arn:aws:iam::111122223333:user/abc").allowed)
        #expect(decide([literal], resource: "arn:aws:iam::111122223333:user/a*").allowed)
    }

    static let conditionCases: [(String, [String: [String]], Bool)] = [
        (#"{"StringEquals":{"aws:username":"alice"}}"#, ["aws:username": ["alice"]], true),
        (#"{"StringEquals":{"aws:username":"Alice"}}"#, ["aws:username": ["alice"]], false),
        (#"{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}"#, ["aws:username": ["alice"]], true),
        (#"{"StringNotEquals":{"aws:username":"bob"}}"#, ["aws:username": ["alice"]], true),
        (#"{"StringNotEquals":{"aws:username":"bob"}}"#, [:], true),
        (#"{"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}}"#, ["aws:username": ["alice"]], false),
        (#"{"StringLike":{"aws:username":"al*"}}"#, ["aws:username": ["alice"]], true),
        (#"{"StringNotLike":{"aws:username":"b*"}}"#, ["aws:username": ["alice"]], true),
        (#"{"StringEquals":{"aws:username":["bob","alice"]}}"#, ["aws:username": ["alice"]], true),
        (#"{"StringEquals":{"aws:username":"alice"}}"#, [:], false),
        (#"{"StringEqualsIfExists":{"aws:username":"bob"}}"#, [:], true),
        (#"{"StringEqualsIfExists":{"aws:username":"bob"}}"#, ["aws:username": ["alice"]], false),
        (#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#, ["aws:MultiFactorAuthAge": ["60"]], true),
        (#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#, ["aws:MultiFactorAuthAge": ["7200"]], false),
        (#"{"NumericGreaterThanEquals":{"s:n":"5"}}"#, ["s:n": ["5"]], true),
        (#"{"NumericNotEquals":{"s:n":"5"}}"#, ["s:n": ["5"]], false),
        (#"{"NumericEquals":{"s:n":"5"}}"#, ["s:n": ["five"]], false),
        (#"{"NumericLessThan":{"s:n":"0"}}"#, ["s:n": ["-2.5"]], true),
        (#"{"NumericGreaterThan":{"s:n":"0"}}"#, ["s:n": [".5"]], true),
        (#"{"NumericGreaterThan":{"s:n":"0"}}"#, ["s:n": ["+7"]], true),
        (#"{"NumericGreaterThan":{"s:n":"1000"}}"#, ["s:n": ["inf"]], true),
        (#"{"NumericEquals":{"s:n":"1000"}}"#, ["s:n": ["1e3"]], true),
        (#"{"NumericLessThan":{"s:n":"0"}}"#, ["s:n": ["-inf"]], true),
        (#"{"NumericEquals":{"s:n":"16"}}"#, ["s:n": ["0x10"]], true),
        (#"{"NumericLessThan":{"s:n":"2"}}"#, ["s:n": ["1.5E0"]], true),
        (#"{"NumericGreaterThan":{"s:n":"0"}}"#, ["s:n": ["127.0.0.1"]], false),
        (#"{"NumericGreaterThan":{"s:n":"0"}}"#, ["s:n": ["1-2"]], false),
        (#"{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01"}}"#, ["aws:CurrentTime": ["2026-11-22"]], true),
        (#"{"DateGreaterThan":{"aws:EpochTime":"1795000000"}}"#, ["aws:EpochTime": ["1795000000.5"]], true),
        (#"{"IpAddress":{"aws:SourceIp":"::/0"}}"#, ["aws:SourceIp": ["abcd:ef01::1"]], true),
        (#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#, ["aws:SourceIp": ["1.2.3"]], false),
        (#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#, ["aws:SourceIp": ["1.2.3.4.5"]], false),
        (#"{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["2026-11-22T12:00:00Z"]], true),
        (#"{"DateLessThan":{"aws:CurrentTime":"2020-01-01"}}"#, ["aws:CurrentTime": ["2026-11-22T12:00:00Z"]], false),
        (#"{"DateLessThanEquals":{"aws:EpochTime":"1800000000"}}"#, ["aws:EpochTime": ["1795000000"]], true),
        (#"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#, ["aws:MultiFactorAuthPresent": ["true"]], true),
        (#"{"Bool":{"aws:MultiFactorAuthPresent":true}}"#, [:], false),
        (#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#, [:], true),
        (#"{"BinaryEquals":{"s:b":"QmluYXJ5"}}"#, ["s:b": ["QmluYXJ5"]], true),
        (#"{"BinaryEquals":{"s:b":"QmluYXJ5"}}"#, ["s:b": ["QmluYXJ6"]], false),
        (#"{"BinaryEquals":{"s:b":"QmluYXJ5"}}"#, ["s:b": ["QmluYXJ5QQ=="]], false),
        (#"{"BinaryEquals":{"s:b":"QmluYXJ5"}}"#, ["s:b": ["not base64!"]], false),
        (#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, ["aws:SourceIp": ["203.0.113.77"]], true),
        (#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, ["aws:SourceIp": ["203.0.114.1"]], false),
        (#"{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}"#, ["aws:SourceIp": ["127.0.0.1"]], true),
        (#"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#, ["aws:SourceIp": ["2001:db8:1::7"]], true),
        (#"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#, ["aws:SourceIp": ["2001:db9::1"]], false),
        (#"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#, ["aws:SourceIp": ["2001:DB8::A"]], true),
        (#"{"IpAddress":{"aws:SourceIp":"::/0"}}"#, ["aws:SourceIp": ["::1"]], true),
        (#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#, ["aws:SourceIp": ["not-an-address"]], false),
        (#"{"IpAddress":{"aws:SourceIp":"::/0"}}"#, ["aws:SourceIp": ["2001:db8::+1"]], false),
        (#"{"IpAddress":{"aws:SourceIp":"::/0"}}"#, ["aws:SourceIp": ["::12345"]], false),
        (#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/a*"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::111122223333:user/alice"]], true),
        (#"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/alice"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::111122223333:user/alice"]], true),
        (#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::111122223333:user/alice"]], true),
        (#"{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/alice"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::111122223333:user/alice"]], false),
        (#"{"Null":{"aws:TokenIssueTime":"true"}}"#, [:], true),
        (#"{"Null":{"aws:TokenIssueTime":"false"}}"#, [:], false),
        (#"{"Null":{"aws:TokenIssueTime":"false"}}"#, ["aws:TokenIssueTime": ["2026-01-01T00:00:00Z"]], true),
        (#"{"ForAllValues:StringEquals":{"aws:TagKeys":["Owner","Project"]}}"#, ["aws:TagKeys": ["Owner"]], true),
        (#"{"ForAllValues:StringEquals":{"aws:TagKeys":["Owner","Project"]}}"#, ["aws:TagKeys": ["Owner", "Cost"]], false),
        (#"{"ForAllValues:StringEquals":{"aws:TagKeys":["Owner"]}}"#, [:], true),
        (#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["Owner"]}}"#, ["aws:TagKeys": ["Cost", "Owner"]], true),
        (#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["Owner"]}}"#, [:], false),
        (#"{"ForAnyValue:StringLike":{"aws:TagKeys":["Own*"]}}"#, ["aws:TagKeys": ["Owner"]], true),
        (#"{"StringEquals":{"aws:username":"${aws:PrincipalTag/login}"}}"#, ["aws:username": ["alice"], "aws:PrincipalTag/login": ["alice"]], true),
        (#"{"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}}"#, ["aws:username": ["alice"], "aws:SecureTransport": ["false"]], false),
        (#"{"StringEquals":{"AWS:UserName":"alice"}}"#, ["aws:username": ["alice"]], true),
    ]

    @Test(arguments: conditionCases)
    func conditions(_ condition: String, _ keys: [String: [String]], _ allowed: Bool) throws {
        let allow = try policy(#"[{"Effect":"Allow","Action":"*","Resource":"*","Condition":\#(condition)}]"#)
        #expect(decide([allow], keys: keys).allowed == allowed)
    }

    /// A decision evaluates a condition that several policies share once; each policy still gets its own
    /// answer for the conditions it does not share, and a deny that shares a condition with an allow wins.
    @Test func sharedConditionsDecideAlike() throws {
        let mfa = #""Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#
        let allow = try policy(#"[{"Effect":"Allow","Action":"iam:*","Resource":"*",\#(mfa)}]"#, id: "allow")
        let deny = try policy(#"[{"Sid":"NoUsersWithMfa","Effect":"Deny","Action":"iam:GetUser","Resource":"*",\#(mfa)}]"#, id: "deny")
        #expect(decide([allow, deny], keys: ["aws:MultiFactorAuthPresent": ["true"]]).outcome == .explicitDeny)
        #expect(decide([allow, deny], action: "iam:ListUsers", keys: ["aws:MultiFactorAuthPresent": ["true"]]).allowed)
        #expect(decide([allow, deny], action: "iam:ListUsers", keys: ["aws:MultiFactorAuthPresent": ["false"]]).outcome == .implicitDeny)
        // The same text under version 2008-10-17 has no variables: it is another condition.
        let literal = #""Condition":{"StringEquals":{"aws:username":"${aws:username}"}}"#
        let modern = try policy(#"[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*",\#(literal)}]"#, id: "modern")
        let old = try policy(#"[{"Effect":"Deny","Action":"iam:GetUser","Resource":"*",\#(literal)}]"#, version: "2008-10-17", id: "old")
        #expect(decide([modern, old], keys: ["aws:username": ["alice"]]).allowed)
        #expect(decide([modern, old], keys: ["aws:username": ["${aws:username}"]]).outcome == .explicitDeny)
    }

    /// More distinct conditions than the decision's memo has cells: every one is still decided on its own.
    @Test func manyDistinctConditions() throws {
        let statements = (0..<200).map { index in
            #"{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"team-\#(index)"}}}"#
        }
        let many = try policy("[" + statements.joined(separator: ",") + "]")
        for index in [0, 63, 64, 127, 199] {
            let decision = decide([many], keys: ["aws:PrincipalTag/team": ["team-\(index)"]])
            #expect(decision.allowed)
            #expect(decision.matched.map(\.statementIndex) == [index])
        }
        #expect(!decide([many], keys: ["aws:PrincipalTag/team": ["team-200"]]).allowed)
    }

    /// A key set before any policy named it is still found once a policy naming it is compiled.
    @Test func keysSetBeforeAPolicyNamesThem() throws {
        let key = "gatehouse:Unnamed\(UInt64.random(in: 0...UInt64.max))"
        let context = RequestContext(action: "iam:GetUser", resource: "*", keys: [key: ["yes"]])
        let allow = try policy(#"[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"StringEquals":{"\#(key)":"yes"}}}]"#)
        #expect(PolicyEvaluator.evaluate(PolicySet(identity: [allow]), context: context, principal: Self.alice).allowed)
        #expect(context.values(key) == ["yes"])
    }

    /// A variable in an ARN's account segment holds a colon of its own; it stays one segment.
    @Test func variableInAnARNSegment() throws {
        let own = try policy(#"[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::${aws:PrincipalAccount}:user/*"}]"#)
        #expect(decide([own], keys: ["aws:PrincipalAccount": ["111122223333"]]).allowed)
        #expect(!decide([own], keys: ["aws:PrincipalAccount": ["444455556666"]]).allowed)
    }

    /// Conditions whose texts could run together must never be taken for one another: each policy here
    /// must be decided on its own condition (the first is false, the second true).
    @Test(arguments: [
        // A key with a space against a value with one.
        (#"{"StringEquals":{"aws:PrincipalTag/team red":"team"}}"#, #"{"StringEquals":{"aws:PrincipalTag/team":"red team"}}"#,
         ["aws:PrincipalTag/team": ["red team"]]),
        // One value holding a NUL against two values.
        (#"{"StringEquals":{"s:k":["a\u0000b"]}}"#, #"{"StringEquals":{"s:k":["a","b"]}}"#, ["s:k": ["a"]]),
        // Canonically equivalent but different bytes: é precomposed, and e with a combining accent.
        (#"{"StringEquals":{"s:k":"\u00e9"}}"#, #"{"StringEquals":{"s:k":"e\u0301"}}"#, ["s:k": ["e\u{301}"]]),
    ])
    func similarConditionsAreNotConfused(_ first: String, _ second: String, _ keys: [String: [String]]) throws {
        let no = try policy(#"[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":\#(first)}]"#, id: "first")
        let yes = try policy(#"[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":\#(second)}]"#, id: "second")
        let decision = decide([no, yes], keys: keys)
        #expect(decision.allowed)
        #expect(decision.matched.map(\.policyId) == ["second"])
    }

    /// A case-insensitive comparison with a policy variable folds the variable's value too.
    @Test func ignoreCaseFoldsVariableValues() throws {
        let allow = try policy(
            #"[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:username":"${aws:PrincipalTag/login}"}}}]"#)
        #expect(decide([allow], keys: ["aws:username": ["alice"], "aws:PrincipalTag/login": ["Alice"]]).allowed)
        #expect(!decide([allow], keys: ["aws:username": ["alice"], "aws:PrincipalTag/login": ["Bob"]]).allowed)
    }
}
