import AccessPolicy
import Testing

struct PolicyParserTests {
    @Test func parsesStatementObjectOrArray() throws {
        let single = try PolicyParser.parse(#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#, kind: .identity)
        #expect(single.statements.count == 1)
        #expect(single.version == .v2012_10_17)
        let list = try PolicyParser.parse(
            #"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:iam::*:user/x"}]}"#,
            kind: .identity)
        let statement = try #require(list.statements.first)
        #expect(statement.effect == .deny)
        #expect(statement.actions == PatternSet(patterns: ["iam:*"], negated: true))
        #expect(statement.resources == PatternSet(patterns: ["arn:aws:iam::*:user/x"], negated: true))
    }

    @Test func missingVersionMeans2008() throws {
        let document = try PolicyParser.parse(#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#, kind: .identity)
        #expect(document.version == .v2008_10_17)
    }

    @Test func conditionsAreRead() throws {
        let document = try PolicyParser.parse(
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true},"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*","b"]},"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}}]}"#,
            kind: .identity)
        let conditions = try #require(document.statements.first?.conditions)
        #expect(conditions.count == 3)
        let bool = try #require(conditions.first { $0.key == "aws:MultiFactorAuthPresent" })
        #expect(bool.values == ["true"])
        #expect(bool.operation.base == .bool)
        let like = try #require(conditions.first { $0.key == "aws:TagKeys" })
        #expect(like.operation.qualifier == .forAnyValue)
        #expect(like.operation.ifExists)
        #expect(like.operation.base == .stringLike)
        #expect(conditions.first { $0.key == "aws:MultiFactorAuthAge" }?.values == ["3600"])
    }

    @Test(arguments: [
        ("not json", "Syntax errors in policy.", ""),
        (#"{"Version":"2013-01-01","Statement":[]}"#, "The policy must contain a valid version string", "Version"),
        (#"{"Version":"2012-10-17","Statement":[{"Action":"*","Resource":"*"}]}"#, "Missing required field Effect", "Statement[0].Effect"),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}"#, "Invalid effect: Maybe", "Statement[0].Effect"),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#, "Policy statement must contain actions.", "Statement[0]"),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*"}]}"#, "Policy statement must contain resources.", "Statement[0]"),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}"#, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", "Statement[0].Action[0]"),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}]}"#, #"Resource bucket must be in ARN format or "*"."#, "Statement[0].Resource[0]"),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"aws:x":"y"}}}]}"#, "Invalid Condition type : StringEqualz", "Statement[0].Condition.StringEqualz"),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#, "Policy document should not specify a principal.", "Statement[0].Principal"),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Colour":"red"}]}"#, "Syntax errors in policy. Unknown field Colour.", "Statement[0].Colour"),
        (#"{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"a","Effect":"Deny","Action":"*","Resource":"*"}]}"#, "Statement IDs (SID) in a single policy must be unique.", "Statement[1].Sid"),
    ])
    func malformedIdentityPoliciesAreRefused(_ text: String, _ message: String, _ location: String) {
        let error = #expect(throws: PolicyError.self) { try PolicyParser.parse(text, kind: .identity) }
        #expect(error?.message == message)
        #expect(error?.location == location)
    }

    @Test func trustPoliciesNeedPrincipalsAndNoResource() throws {
        let trust = try PolicyParser.parse(
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root","Service":["ec2.amazonaws.com"]},"Action":"sts:AssumeRole"}]}"#,
            kind: .trust)
        #expect(trust.statements.first?.principals?.principals["AWS"] == ["arn:aws:iam::123456789012:root"])
        #expect(throws: PolicyError.self) {
            try PolicyParser.parse(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#, kind: .trust)
        }
        #expect(throws: PolicyError.self) {
            try PolicyParser.parse(
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"sts:AssumeRole"}]}"#, kind: .trust)
        }
        #expect(throws: PolicyError.self) {
            try PolicyParser.parse(
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","Resource":"*"}]}"#,
                kind: .trust)
        }
    }

    @Test func adminWildcardIsWarned() throws {
        let document = try PolicyParser.parse(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#, kind: .identity)
        #expect(PolicyParser.warnings(document).map(\.message) == ["Allows every action on every resource (full administrator access)."])
        let narrow = try PolicyParser.parse(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}"#, kind: .identity)
        #expect(PolicyParser.warnings(narrow).isEmpty)
    }
}
