import AWSWire
import Foundation
import Testing

/// Decoding and validating inputs, with bodies as botocore 1.43.11 serializes them.
struct AWSCodecInputTests {
    static let roleArn = "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"

    // MARK: Query protocol (sts)

    @Test func assumeRoleFromBotocoreBody() throws {
        // botocore.serialize QuerySerializer + AWSRequest.prepare() for
        // AssumeRole(RoleArn, RoleSessionName, DurationSeconds, Tags=[team/"a b", env/"prod/eu"], PolicyArns=[ReadOnlyAccess]).
        let body =
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=s1"
            + "&DurationSeconds=3600&Tags.member.1.Key=team&Tags.member.1.Value=a+b&Tags.member.2.Key=env&Tags.member.2.Value=prod%2Feu"
            + "&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess"
        let input = try Fixtures.stsInput(body)
        let expected: AWSValue = [
            "RoleArn": "arn:aws:iam::123456789012:role/demo",
            "RoleSessionName": "s1",
            "DurationSeconds": .integer(3600),
            "Tags": [["Key": "team", "Value": "a b"], ["Key": "env", "Value": "prod/eu"]],
            "PolicyArns": [["arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"]],
        ]
        #expect(input == expected)
        #expect(input["Action"] == nil)
        #expect(input["Tags"]?.list?.count == 2)
        #expect(input["DurationSeconds"]?.integer == 3600)
    }

    @Test func nestedStructureOutsideAList() throws {
        let input = try Fixtures.stsInput(
            "Action=AssumeRoot&TargetPrincipal=123456789012&TaskPolicyArn.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Froot-task%2FIAMAuditRootUserCredentials"
        )
        #expect(
            input == [
                "TargetPrincipal": "123456789012",
                "TaskPolicyArn": ["arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"],
            ]
        )
    }

    @Test func emptyListIsSentAsBareName() throws {
        let input = try Fixtures.stsInput("Action=AssumeRole&\(Self.roleArn)&RoleSessionName=s1&Tags=")
        #expect(input["Tags"] == .list([]))
        #expect(input["PolicyArns"] == nil)
    }

    @Test func operationWithoutMembersDecodesToEmptyStructure() throws {
        #expect(try Fixtures.stsInput("Action=GetCallerIdentity&Version=2011-06-15") == .empty)
    }

    @Test func missingRequiredMemberIsNamedInLowerCamelCase() {
        let error = #expect(throws: AWSError.self) { try Fixtures.stsInput("Action=AssumeRole&RoleSessionName=s1") }
        #expect(error?.code == "ValidationError")
        #expect(error?.status == 400)
        #expect(error?.message == "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
    }

    @Test func twoMissingMembersAreCounted() {
        let error = #expect(throws: AWSError.self) { try Fixtures.stsInput("Action=AssumeRole") }
        #expect(
            error?.message
                == "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; "
                + "Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"
        )
    }

    @Test func durationBelowRange() {
        let error = #expect(throws: AWSError.self) {
            try Fixtures.stsInput("Action=AssumeRole&\(Self.roleArn)&RoleSessionName=s1&DurationSeconds=899")
        }
        #expect(error?.code == "ValidationError")
        #expect(
            error?.message
                == "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
        )
    }

    @Test func rangeBoundsAreInclusive() throws {
        for seconds in [900, 43200] {
            let input = try Fixtures.stsInput("Action=AssumeRole&\(Self.roleArn)&RoleSessionName=s1&DurationSeconds=\(seconds)")
            #expect(input["DurationSeconds"] == .integer(Int64(seconds)))
        }
    }

    @Test func severalViolationsAreJoined() {
        let error = #expect(throws: AWSError.self) {
            try Fixtures.stsInput("Action=AssumeRole&RoleSessionName=x&DurationSeconds=50000")
        }
        #expect(
            error?.message
                == "3 validation errors detected: "
                + "Value null at 'roleArn' failed to satisfy constraint: Member must not be null; "
                + "Value '50000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200; "
                + "Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"
        )
    }

    @Test func patternViolation() {
        let error = #expect(throws: AWSError.self) {
            try Fixtures.stsInput("Action=AssumeRole&\(Self.roleArn)&RoleSessionName=bad+name%21")
        }
        #expect(
            error?.message
                == #"1 validation error detected: Value 'bad name!' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*"#
        )
    }

    @Test func missingMemberOfListItemIsNamedWithIndex() {
        let error = #expect(throws: AWSError.self) {
            try Fixtures.stsInput(
                "Action=AssumeRole&\(Self.roleArn)&RoleSessionName=s1&Tags.member.1.Key=team&Tags.member.1.Value=a&Tags.member.2.Key=env"
            )
        }
        #expect(
            error?.message == "1 validation error detected: Value null at 'tags.2.member.value' failed to satisfy constraint: Member must not be null"
        )
    }

    @Test func listLongerThanMax() {
        let tags = (1...51).map { "Tags.member.\($0).Key=k\($0)&Tags.member.\($0).Value=v" }.joined(separator: "&")
        let error = #expect(throws: AWSError.self) {
            try Fixtures.stsInput("Action=AssumeRole&\(Self.roleArn)&RoleSessionName=s1&\(tags)")
        }
        #expect(error?.message.hasPrefix("1 validation error detected: ") == true)
        #expect(error?.message.hasSuffix("at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50") == true)
    }

    @Test func sensitiveValueIsNotEchoed() {
        let error = #expect(throws: AWSError.self) {
            try Fixtures.stsInput("Action=AssumeRoleWithWebIdentity&\(Self.roleArn)&RoleSessionName=s1&WebIdentityToken=abc")
        }
        #expect(
            error?.message
                == "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4"
        )
    }

    @Test func nonNumericIntegerIsRefused() {
        let error = #expect(throws: AWSError.self) {
            try Fixtures.stsInput("Action=AssumeRole&\(Self.roleArn)&RoleSessionName=s1&DurationSeconds=abc")
        }
        #expect(error?.code == "ValidationError")
        #expect(
            error?.message == "1 validation error detected: Value 'abc' at 'durationSeconds' failed to satisfy constraint: Member must be a number"
        )
    }

    @Test func validationCanBeLeftToTheOperation() throws {
        let input = try Fixtures.stsInput("Action=AssumeRole&DurationSeconds=1", validate: false)
        #expect(input == ["DurationSeconds": .integer(1)])
    }

    // MARK: JSON protocol (cloudtrail)

    @Test func lookupEventsFromBotocoreBody() throws {
        // botocore JSONSerializer for LookupEvents(LookupAttributes=[EventName=CreateAccount], MaxResults=5,
        // StartTime=datetime(2026, 11, 22, 14, 30, 15, tzinfo=utc)).
        let input = try Fixtures.cloudTrailInput(
            #"{"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "CreateAccount"}], "MaxResults": 5, "StartTime": 1795357815}"#
        )
        let expected: AWSValue = [
            "LookupAttributes": [["AttributeKey": "EventName", "AttributeValue": "CreateAccount"]],
            "MaxResults": .integer(5),
            "StartTime": .timestamp(Date(timeIntervalSince1970: 1_795_357_815)),
        ]
        #expect(input == expected)
    }

    @Test func timestampsAsFractionalEpochOrISOText() throws {
        let input = try Fixtures.cloudTrailInput(#"{"StartTime": 1795357815.5, "EndTime": "2026-11-22T14:30:15Z"}"#)
        #expect(input["StartTime"]?.timestamp == Date(timeIntervalSince1970: 1_795_357_815.5))
        #expect(input["EndTime"]?.timestamp == Date(timeIntervalSince1970: 1_795_357_815))
    }

    @Test func commasAndBracketsInsideStringsAreText() throws {
        #expect(
            try Fixtures.cloudTrailInput(#"{"NextToken": "a,}b\",]\\", "MaxResults": 5}"#) == ["NextToken": #"a,}b",]\"#, "MaxResults": .integer(5)]
        )
    }

    @Test func emptyBodyNullsAndUnknownMembers() throws {
        #expect(try Fixtures.cloudTrailInput("") == .empty)
        #expect(try Fixtures.cloudTrailInput(#"{"MaxResults": null, "Bogus": 1, "NextToken": "t"}"#) == ["NextToken": "t"])
    }

    @Test(arguments: [
        #"{"MaxResults": "#, "not json", #"[{"MaxResults": 5}]"#, #""text""#, #"{"MaxResults": 5}x"#,
        // Foundation's parser accepts trailing commas; JSON and AWS do not.
        #"{"MaxResults": 5,}"#, #"{"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "x"} , ]}"#,
    ])
    func malformedBodyIsSerializationException(body: String) {
        let error = #expect(throws: AWSError.self) { try Fixtures.cloudTrailInput(body) }
        #expect(error?.code == "SerializationException")
        #expect(error?.status == 400)
    }

    @Test(arguments: [
        (#"{"MaxResults": "5"}"#, "Expected an integer at 'maxResults'."),
        (#"{"MaxResults": 5.5}"#, "Expected an integer at 'maxResults'."),
        (#"{"MaxResults": true}"#, "Expected an integer at 'maxResults'."),
        (#"{"StartTime": "yesterday"}"#, "Expected a timestamp at 'startTime'."),
        (#"{"StartTime": false}"#, "Expected a timestamp at 'startTime'."),
        // Epoch seconds past the year 9999 (or before the year 1) are no timestamp a record could spell.
        (#"{"StartTime": 1e300}"#, "Expected a timestamp at 'startTime'."),
        (#"{"EndTime": -1e300}"#, "Expected a timestamp at 'endTime'."),
        (#"{"EndTime": 253402300800}"#, "Expected a timestamp at 'endTime'."),
        (#"{"NextToken": 7}"#, "Expected a string at 'nextToken'."),
        (#"{"LookupAttributes": {"AttributeKey": "EventName"}}"#, "Expected a list at 'lookupAttributes'."),
        (#"{"LookupAttributes": ["EventName"]}"#, "Expected a structure at 'lookupAttributes.1'."),
    ])
    func typeMismatchIsSerializationException(body: String, message: String) {
        let error = #expect(throws: AWSError.self) { try Fixtures.cloudTrailInput(body) }
        #expect(error == AWSError(code: "SerializationException", message: message, status: 400))
    }

    @Test func booleansAreOnlyTrueAndFalse() throws {
        let input = try Fixtures.cloudTrailInput(
            #"{"Name": "t", "S3BucketName": "b", "IncludeGlobalServiceEvents": false, "IsMultiRegionTrail": true}"#,
            operation: "CreateTrail"
        )
        #expect(input["IncludeGlobalServiceEvents"] == .boolean(false))
        #expect(input["IsMultiRegionTrail"] == .boolean(true))
        for number in ["0", "1"] {
            let error = #expect(throws: AWSError.self) {
                try Fixtures.cloudTrailInput(#"{"Name": "t", "S3BucketName": "b", "IsMultiRegionTrail": \#(number)}"#, operation: "CreateTrail")
            }
            #expect(error == AWSError(code: "SerializationException", message: "Expected a boolean at 'isMultiRegionTrail'.", status: 400))
        }
    }

    @Test func jsonValidationIsValidationException() {
        let error = #expect(throws: AWSError.self) { try Fixtures.cloudTrailInput(#"{"MaxResults": 0}"#) }
        #expect(
            error
                == AWSError(
                    code: "ValidationException",
                    message:
                        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
                    status: 400
                )
        )
    }

    @Test func enumAndNestedRequiredViolations() {
        let error = #expect(throws: AWSError.self) {
            try Fixtures.cloudTrailInput(#"{"LookupAttributes": [{"AttributeKey": "Bogus", "AttributeValue": "x"}, {"AttributeKey": "EventName"}]}"#)
        }
        #expect(
            error?.message
                == "2 validation errors detected: "
                + "Value 'Bogus' at 'lookupAttributes.1.member.attributeKey' failed to satisfy constraint: Member must satisfy enum value set: "
                + "[EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId]; "
                + "Value null at 'lookupAttributes.2.member.attributeValue' failed to satisfy constraint: Member must not be null"
        )
    }

    // MARK: REST-JSON protocol (sso portal)

    static func ssoRequest(path: String, query: String, token: String?) -> (WireRequest, OperationRouter.Route) {
        let request = WireRequest(
            method: "GET",
            path: path,
            query: query,
            headers: token.map { [("x-amz-sso_bearer_token", $0)] } ?? [],
            body: []
        )
        return (request, OperationRouter(services: [Fixtures.ssoPortal]).route(request, signingName: nil))
    }

    @Test func restInputFromQueryStringAndHeader() throws {
        // botocore RestJSONSerializer: GET /federation/credentials?role_name=Admin&account_id=..., header x-amz-sso_bearer_token.
        let (request, route) = Self.ssoRequest(path: "/federation/credentials", query: "role_name=Admin&account_id=123456789012", token: "tok/en")
        #expect(try AWSCodec.input(of: request, route: route) == ["roleName": "Admin", "accountId": "123456789012", "accessToken": "tok/en"])
    }

    @Test func restInputIntegerAndMissingHeader() throws {
        let (request, route) = Self.ssoRequest(path: "/assignment/roles", query: "account_id=123456789012&max_result=5", token: "t")
        #expect(try AWSCodec.input(of: request, route: route)["maxResults"] == .integer(5))

        let (bad, badRoute) = Self.ssoRequest(path: "/assignment/roles", query: "account_id=123456789012&max_result=abc", token: "t")
        let notNumber = #expect(throws: AWSError.self) { try AWSCodec.input(of: bad, route: badRoute) }
        #expect(notNumber?.code == "ValidationException")
        #expect(
            notNumber?.message == "1 validation error detected: Value 'abc' at 'maxResults' failed to satisfy constraint: Member must be a number"
        )

        let (anonymous, anonymousRoute) = Self.ssoRequest(path: "/assignment/roles", query: "account_id=123456789012", token: nil)
        let missing = #expect(throws: AWSError.self) { try AWSCodec.input(of: anonymous, route: anonymousRoute) }
        #expect(missing?.message == "1 validation error detected: Value null at 'accessToken' failed to satisfy constraint: Member must not be null")
    }
}
