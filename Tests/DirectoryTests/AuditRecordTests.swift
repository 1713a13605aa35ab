import AWSWire
@testable import Directory
import Foundation
import Storage
import Testing

/// The CloudTrail record an event becomes: every member CloudTrail documents, as one JSON object
/// with its keys in sorted order (the text the chain hash covers).
struct AuditRecordTests {
    static let accountId = "111122223333"

    static let roleSession: Principal = {
        var session = RoleSession(roleName: "Deployer", sessionName: "ci-run")
        session.sourceIdentity = "alice"
        return Principal(
            kind: .assumedRole, accountId: accountId, arn: "arn:aws:sts::\(accountId):assumed-role/Deployer/ci-run",
            userId: "AROAEXAMPLE:ci-run", username: "ci-run", roleSession: session,
            roleArn: "arn:aws:iam::\(accountId):role/Deployer", roleId: "AROAEXAMPLE")
    }()

    static func events() -> [AuditEvent] {
        let time = Date(timeIntervalSince1970: 1_795_357_815)
        var root = AuditEvent(
            eventTime: time, eventSource: "iam.amazonaws.com", eventName: "CreateUser", awsRegion: "us-east-1",
            sourceIPAddress: "127.0.0.1", userAgent: "aws-cli/2 \"quoted\"\n",
            identity: .init(principal: .root(of: accountId), accessKeyId: "AKIAEXAMPLE"),
            requestParameters: ["userName": "bob", "tags": .list([["key": "team", "value": "a\\b"]])],
            responseElements: ["user": ["userName": "bob", "createDate": .timestamp(time)]],
            requestId: "req-1", readOnly: false, recipientAccountId: accountId,
            resources: [AuditResource(type: "AWS::IAM::User", name: "arn:aws:iam::\(accountId):user/bob")])
        root.additionalEventData = ["MFAUsed": "No"]
        let refused = AuditEvent(
            eventTime: time, eventSource: "sts.amazonaws.com", eventName: "AssumeRole", awsRegion: "eu-west-1",
            sourceIPAddress: "10.0.0.1", userAgent: "boto3",
            identity: .init(principal: roleSession, accessKeyId: "ASIAEXAMPLE", mfaAuthenticated: true, sessionCreated: time),
            errorCode: "AccessDenied", errorMessage: "User: x is not authorized", requestId: "req-2", readOnly: false,
            recipientAccountId: accountId, permissive: true)
        let operatorCall = AuditEvent(
            eventTime: time, eventSource: "organizations.amazonaws.com", eventName: "CreateAccount", awsRegion: "us-east-1",
            sourceIPAddress: "127.0.0.1", userAgent: "gatehouse", identity: nil, requestId: "req-3", readOnly: false,
            recipientAccountId: accountId)
        var signIn = AuditEvent(
            eventTime: time, eventSource: "signin.amazonaws.com", eventName: "ConsoleLogin", awsRegion: "us-east-1",
            sourceIPAddress: "127.0.0.1", userAgent: "Mozilla/5.0",
            identity: .init(principal: .identityCenterUser(id: "u-1", userName: "carol", of: accountId), accessKeyId: nil),
            requestId: "req-4", readOnly: false, recipientAccountId: accountId)
        signIn.eventType = "AwsConsoleSignIn"
        return [root, refused, operatorCall, signIn]
    }

    /// The record as one object, written by the generic writer (which sorts keys).
    static func expected(_ event: AuditEvent, previousHash: String) -> String {
        var record: [String: AWSValue] = [
            "eventVersion": "1.11", "eventTime": .string(Timestamp.iso8601(event.eventTime)), "eventSource": .string(event.eventSource),
            "eventName": .string(event.eventName), "awsRegion": .string(event.awsRegion), "sourceIPAddress": .string(event.sourceIPAddress),
            "userAgent": .string(event.userAgent), "requestID": .string(event.requestId), "eventID": .string(event.eventId),
            "readOnly": .boolean(event.readOnly), "managementEvent": .boolean(true), "recipientAccountId": .string(event.recipientAccountId),
            "eventCategory": "Management",
            "eventType": .string(event.eventType ?? (event.identity == nil ? "GatehouseOperatorCall" : "AwsApiCall")),
        ]
        var additional = event.additionalEventData
        additional["previousEventHash"] = .string(previousHash)
        if event.permissive { additional["gatehousePermissive"] = .boolean(true) }
        record["additionalEventData"] = .object(additional)
        if let identity = event.identity {
            let principal = identity.principal
            var attributes: [String: AWSValue] = ["mfaAuthenticated": identity.mfaAuthenticated ? "true" : "false"]
            if let created = identity.sessionCreated { attributes["creationDate"] = .string(Timestamp.iso8601(created)) }
            var context: [String: AWSValue] = ["attributes": .object(attributes)]
            if let roleArn = principal.roleArn, let roleId = principal.roleId, let session = principal.roleSession {
                context["sessionIssuer"] = [
                    "type": "Role", "principalId": .string(roleId), "arn": .string(roleArn), "accountId": .string(principal.accountId),
                    "userName": .string(session.roleName),
                ]
                if let source = session.sourceIdentity { context["sourceIdentity"] = .string(source) }
            }
            var value: [String: AWSValue] = [
                "type": .string(principal.kind.rawValue), "principalId": .string(principal.userId), "arn": .string(principal.arn),
                "accountId": .string(principal.accountId), "sessionContext": .object(context),
            ]
            if [.user, .identityCenterUser, .unknown].contains(principal.kind) { value["userName"] = .string(principal.username) }
            if let key = identity.accessKeyId { value["accessKeyId"] = .string(key) }
            record["userIdentity"] = .object(value)
        } else {
            record["userIdentity"] = ["type": "GatehouseOperator", "invokedBy": "gatehouse"]
        }
        if let parameters = event.requestParameters { record["requestParameters"] = parameters }
        if let elements = event.responseElements { record["responseElements"] = elements }
        if let code = event.errorCode { record["errorCode"] = .string(code) }
        if let message = event.errorMessage { record["errorMessage"] = .string(message) }
        if !event.resources.isEmpty {
            record["resources"] = .list(event.resources.map { ["type": .string($0.type), "ARN": .string($0.name)] })
        }
        return JSONWriter.write(.object(record))
    }

    @Test func theRecordIsTheEventAsOneSortedObject() throws {
        let previous = String(repeating: "ab", count: 32)
        for event in Self.events() {
            let record = event.record(previousHash: previous)
            #expect(record == Self.expected(event, previousHash: previous))
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
            #expect(parsed["eventName"] as? String == event.eventName)
            #expect((parsed["additionalEventData"] as? [String: Any])?["previousEventHash"] as? String == previous)
        }
    }

    /// One record spelled out (as the dictionary-based writer wrote it before), so that a fault shared by
    /// both writers cannot pass.
    @Test func aRecordReadsAsCloudTrailWritesIt() {
        var event = AuditEvent(
            eventTime: Date(timeIntervalSince1970: 1_795_357_815), eventSource: "organizations.amazonaws.com", eventName: "CreateAccount",
            awsRegion: "us-east-1", sourceIPAddress: "127.0.0.1", userAgent: "say \"hi\"\n", identity: nil,
            requestParameters: ["b": .integer(1), "a": ["z": .boolean(true), "y": .list([.string("x")])]], errorCode: "E", errorMessage: "m<",
            requestId: "req-3", readOnly: false, recipientAccountId: Self.accountId,
            resources: [AuditResource(type: "AWS::Organizations::Account", name: "arn:x")], permissive: true)
        event.eventId = "e-1"
        #expect(
            event.record(previousHash: "0")
                == #"{"additionalEventData":{"gatehousePermissive":true,"previousEventHash":"0"},"awsRegion":"us-east-1","errorCode":"E","errorMessage":"m<","eventCategory":"Management","eventID":"e-1","eventName":"CreateAccount","eventSource":"organizations.amazonaws.com","eventTime":"2026-11-22T14:30:15Z","eventType":"GatehouseOperatorCall","eventVersion":"1.11","managementEvent":true,"readOnly":false,"recipientAccountId":"111122223333","requestID":"req-3","requestParameters":{"a":{"y":["x"],"z":true},"b":1},"resources":[{"ARN":"arn:x","type":"AWS::Organizations::Account"}],"sourceIPAddress":"127.0.0.1","userAgent":"say \"hi\"\n","userIdentity":{"invokedBy":"gatehouse","type":"GatehouseOperator"}}"#
        )
    }

    @Test func aRoleSessionNamesItsIssuer() throws {
        let record = Self.events()[1].record(previousHash: "0")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
        let identity = try #require(parsed["userIdentity"] as? [String: Any])
        #expect(identity["type"] as? String == "AssumedRole")
        #expect(identity["userName"] == nil)
        let context = try #require(identity["sessionContext"] as? [String: Any])
        #expect((context["sessionIssuer"] as? [String: Any])?["arn"] as? String == "arn:aws:iam::\(Self.accountId):role/Deployer")
        #expect(context["sourceIdentity"] as? String == "alice")
        #expect((context["attributes"] as? [String: Any])?["mfaAuthenticated"] as? String == "true")
        #expect(parsed["errorCode"] as? String == "AccessDenied")
    }
}
