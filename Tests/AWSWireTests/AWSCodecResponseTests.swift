import AWSWire
import Foundation
import Testing

/// Outputs and errors in each protocol's format. Every expected body below was fed to
/// botocore 1.43.11's own parsers (QueryParser, JSONParser, RestJSONParser) with the
/// operation's output shape, and parses to the values put in.
struct AWSCodecResponseTests {
    static let time = Date(timeIntervalSince1970: 1_795_357_815)  // 2026-11-22T14:30:15Z

    static func route(_ action: String, service: ServiceModel = .sts) -> OperationRouter.Route {
        OperationRouter(services: [service]).route(Fixtures.form("Action=\(action)"), signingName: service.signingName)
    }

    static func cloudTrailRoute(_ operation: String = "LookupEvents") -> OperationRouter.Route {
        Fixtures.router.route(
            Fixtures.json(target: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.\(operation)", "{}"),
            signingName: "cloudtrail"
        )
    }

    // MARK: Query protocol

    @Test func getCallerIdentityXML() {
        let output: AWSValue = ["Account": "123456789012", "Arn": "arn:aws:iam::123456789012:root", "UserId": "123456789012"]
        let response = AWSCodec.response(output, route: Self.route("GetCallerIdentity"), requestId: "id")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/xml")
        #expect(response.header("x-amzn-RequestId") == "id")
        #expect(
            response.text
                == #"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>"#
                + "<Account>123456789012</Account><Arn>arn:aws:iam::123456789012:root</Arn><UserId>123456789012</UserId>"
                + "</GetCallerIdentityResult><ResponseMetadata><RequestId>id</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        )
    }

    @Test func xmlTextIsEscaped() {
        let output: AWSValue = ["Arn": "arn:aws:iam::123456789012:user/<&>\"'", "UserId": "line\ntwo\ttab\rcr\u{1}"]
        let text = AWSCodec.response(output, route: Self.route("GetCallerIdentity"), requestId: "req-1").text
        #expect(text.contains(#"<Arn>arn:aws:iam::123456789012:user/&lt;&amp;&gt;"'</Arn>"#))
        // Line ends survive XML parsing only as character references; other controls cannot be written in XML 1.0.
        #expect(text.contains("<UserId>line&#10;two&#9;tab&#13;cr</UserId>"))
    }

    @Test func nestedStructuresTimestampsAndIntegers() {
        let output: AWSValue = [
            "Credentials": [
                "AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s/k+", "SessionToken": "tok", "Expiration": .timestamp(Self.time),
            ],
            "AssumedRoleUser": ["Arn": "arn:aws:sts::123456789012:assumed-role/demo/s1", "AssumedRoleId": "AROAEXAMPLE:s1"],
            "PackedPolicySize": .integer(6),
        ]
        let text = AWSCodec.response(output, route: Self.route("AssumeRole"), requestId: "req-1").text
        #expect(
            text
                == #"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>"#
                + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/demo/s1</Arn><AssumedRoleId>AROAEXAMPLE:s1</AssumedRoleId></AssumedRoleUser>"
                + "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><Expiration>2026-11-22T14:30:15Z</Expiration>"
                + "<SecretAccessKey>s/k+</SecretAccessKey><SessionToken>tok</SessionToken></Credentials>"
                + "<PackedPolicySize>6</PackedPolicySize>"
                + "</AssumeRoleResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></AssumeRoleResponse>"
        )
    }

    @Test func membersOutsideTheShapeAreNotWritten() {
        let output: AWSValue = ["Account": "123456789012", "Internal": "secret"]
        let text = AWSCodec.response(output, route: Self.route("GetCallerIdentity"), requestId: "req-1").text
        #expect(text.contains("<Account>123456789012</Account>"))
        #expect(!text.contains("Internal"))
        #expect(!text.contains("secret"))
    }

    @Test func listsOfStructuresAreWrittenWithMember() {
        let output: AWSValue = [
            "Users": [
                [
                    "UserName": "alice", "UserId": "AIDAEXAMPLEEXAMPLE01", "Arn": "arn:aws:iam::123456789012:user/alice", "Path": "/",
                    "CreateDate": .timestamp(Self.time), "Tags": [["Key": "team", "Value": "a&b"]],
                ]
            ],
            "IsTruncated": .boolean(false),
        ]
        let text = AWSCodec.response(output, route: Self.route("ListUsers", service: Fixtures.iam), requestId: "req-1").text
        #expect(
            text
                == #"<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><IsTruncated>false</IsTruncated>"#
                + "<Users><member><Arn>arn:aws:iam::123456789012:user/alice</Arn><CreateDate>2026-11-22T14:30:15Z</CreateDate><Path>/</Path>"
                + "<Tags><member><Key>team</Key><Value>a&amp;b</Value></member></Tags>"
                + "<UserId>AIDAEXAMPLEEXAMPLE01</UserId><UserName>alice</UserName></member></Users>"
                + "</ListUsersResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></ListUsersResponse>"
        )
    }

    @Test func listsOfStringsAndMaps() {
        let aliases = AWSCodec.response(
            ["AccountAliases": ["prod", "prod-eu"]],
            route: Self.route("ListAccountAliases", service: Fixtures.iam),
            requestId: "req-1"
        )
        #expect(aliases.text.contains("<ListAccountAliasesResult><AccountAliases><member>prod</member><member>prod-eu</member></AccountAliases>"))

        let summary = AWSCodec.response(
            ["SummaryMap": ["Users": .integer(2), "Groups": .integer(0)]],
            route: Self.route("GetAccountSummary", service: Fixtures.iam),
            requestId: "req-1"
        )
        #expect(
            summary.text.contains(
                "<GetAccountSummaryResult><SummaryMap><entry><key>Groups</key><value>0</value></entry>"
                    + "<entry><key>Users</key><value>2</value></entry></SummaryMap></GetAccountSummaryResult>"
            )
        )
    }

    // MARK: JSON protocols

    @Test func lookupEventsJSON() {
        let output: AWSValue = [
            "Events": [
                [
                    "EventId": "e1", "EventName": "CreateAccount", "EventTime": .timestamp(Self.time), "Username": "root",
                    "Resources": [["ResourceType": "AWS::Organizations::Account", "ResourceName": "123456789012"]],
                ]
            ],
            "NextToken": "t1",
        ]
        let response = AWSCodec.response(output, route: Self.cloudTrailRoute(), requestId: "req-1")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(response.header("x-amzn-RequestId") == "req-1")
        #expect(
            response.text
                == #"{"Events":[{"EventId":"e1","EventName":"CreateAccount","EventTime":1795357815,"#
                + #""Resources":[{"ResourceName":"123456789012","ResourceType":"AWS::Organizations::Account"}],"Username":"root"}],"NextToken":"t1"}"#
        )
    }

    @Test func jsonFractionalTimestampsAndEscapes() {
        let output: AWSValue = [
            "Events": [["EventTime": .timestamp(Date(timeIntervalSince1970: 1_795_357_815.5)), "CloudTrailEvent": "{\"a\":\"b\\c\"}\n\t\u{1}"]]
        ]
        let text = AWSCodec.response(output, route: Self.cloudTrailRoute(), requestId: "req-1").text
        #expect(text == #"{"Events":[{"CloudTrailEvent":"{\"a\":\"b\\c\"}\n\t\u0001","EventTime":1795357815.5}]}"#)
    }

    @Test func restJSONResponse() {
        let route = OperationRouter(services: [Fixtures.ssoPortal]).route(
            WireRequest(method: "GET", path: "/federation/credentials", query: "", headers: [], body: []),
            signingName: nil
        )
        let output: AWSValue = [
            "roleCredentials": [
                "accessKeyId": "ASIAEXAMPLE", "secretAccessKey": "s", "sessionToken": "t", "expiration": .integer(1_795_357_815_000),
            ]
        ]
        let response = AWSCodec.response(output, route: route, requestId: "req-1")
        #expect(response.header("Content-Type") == "application/json")
        #expect(
            response.text == #"{"roleCredentials":{"accessKeyId":"ASIAEXAMPLE","expiration":1795357815000,"secretAccessKey":"s","sessionToken":"t"}}"#
        )
    }

    @Test func responseWithoutOperationIsInternalFailure() {
        let route = Fixtures.router.route(Fixtures.form("Action=Nope"), signingName: "sts")
        let response = AWSCodec.response(.empty, route: route, requestId: "req-1")
        #expect(response.status == 500)
        #expect(response.text.contains("<Code>InternalFailure</Code>"))
    }

    // MARK: Errors

    @Test func queryErrorEnvelope() {
        let route = Fixtures.router.route(Fixtures.form("Action=Nope&Version=2011-06-15"), signingName: "sts")
        let response = AWSCodec.error(route.failure!, route: route, requestId: "req-1")
        #expect(response.status == 400)
        #expect(response.header("Content-Type") == "text/xml")
        #expect(response.header("x-amzn-RequestId") == "req-1")
        #expect(
            response.text
                == #"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidAction</Code>"#
                + "<Message>Could not find operation Nope for version 2011-06-15</Message></Error><RequestId>req-1</RequestId></ErrorResponse>"
        )
    }

    @Test func serverFaultIsReceiverAndMessageIsEscaped() {
        let error = AWSError(code: "InternalFailure", message: "a <b> & c", status: 500)
        let response = AWSCodec.error(error, route: Self.route("GetCallerIdentity"), requestId: "req-1")
        #expect(response.status == 500)
        #expect(response.text.contains("<Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>a &lt;b&gt; &amp; c</Message></Error>"))
        #expect(AWSError.internalFailure.faultType == "Receiver")
        #expect(AWSError(code: "X", message: "", status: 499).faultType == "Sender")
    }

    @Test func queryErrorWithoutServiceHasNoNamespace() {
        let route = Fixtures.router.route(Fixtures.form("Action=ListBuckets"), signingName: "s3")
        let response = AWSCodec.error(route.failure!, route: route, requestId: "req-1")
        #expect(response.text.hasPrefix("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>"))
    }

    @Test func jsonErrorEnvelope() {
        let route = Self.cloudTrailRoute("Nope")
        let response = AWSCodec.error(
            AWSError(code: "InvalidMaxResultsException", message: "Say \"why\"", status: 400),
            route: route,
            requestId: "req-1"
        )
        #expect(response.status == 400)
        #expect(response.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(response.header("x-amzn-RequestId") == "req-1")
        #expect(response.text == #"{"__type":"InvalidMaxResultsException","message":"Say \"why\""}"#)
    }

    @Test func restJSONErrorEnvelope() {
        let route = OperationRouter(services: [Fixtures.ssoPortal]).route(
            WireRequest(method: "GET", path: "/nowhere", query: "", headers: [], body: []),
            signingName: "awsssoportal"
        )
        let response = AWSCodec.error(
            AWSError(code: "UnauthorizedException", message: "Session token not found or invalid", status: 401),
            route: route,
            requestId: "req-1"
        )
        #expect(response.status == 401)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.header("x-amzn-ErrorType") == "UnauthorizedException")
        #expect(response.header("x-amzn-RequestId") == "req-1")
        #expect(response.text == #"{"message":"Session token not found or invalid"}"#)
    }

    @Test func errorFactories() {
        #expect(AWSError.validation("m", wireProtocol: .query).code == "ValidationError")
        #expect(AWSError.validation("m", wireProtocol: .json).code == "ValidationException")
        #expect(AWSError.serialization("m", wireProtocol: .restJSON).code == "SerializationException")
        #expect(AWSError.serialization("m", wireProtocol: .query).code == "MalformedQueryString")
        let notImplemented = AWSError.notImplemented(service: "sts", operation: "GetSessionToken")
        #expect(notImplemented.status == 501)
        #expect(notImplemented.message == "Gatehouse does not implement sts:GetSessionToken.")
    }
}
