import AWSWire
import Foundation
import Storage

/// One call as the audit trail records it, in CloudTrail's record shape.
public struct AuditEvent: Sendable {
    /// Who made the call (CloudTrail's `userIdentity`).
    public struct Identity: Sendable {
        public var principal: Principal
        public var accessKeyId: String?
        public var mfaAuthenticated: Bool
        /// When the session began (for long-term keys, unknown).
        public var sessionCreated: Date?

        public init(principal: Principal, accessKeyId: String?, mfaAuthenticated: Bool = false, sessionCreated: Date? = nil) {
            self.principal = principal
            self.accessKeyId = accessKeyId
            self.mfaAuthenticated = mfaAuthenticated
            self.sessionCreated = sessionCreated
        }
    }

    public var eventId = UUID().uuidString.lowercased()
    public var eventTime: Date
    /// `sts.amazonaws.com`.
    public var eventSource: String
    public var eventName: String
    public var awsRegion: String
    public var sourceIPAddress: String
    public var userAgent: String
    /// The caller; `nil` for a call Gatehouse's operator made on the machine (`gatehouse account create`).
    public var identity: Identity?
    public var requestParameters: AWSValue?
    public var responseElements: AWSValue?
    public var errorCode: String?
    public var errorMessage: String?
    public var requestId: String
    public var readOnly: Bool
    public var recipientAccountId: String
    public var resources: [AuditResource]
    /// The call went unchecked (emulator mode).
    public var permissive: Bool
    /// CloudTrail's `eventType` when it is not an API call (`AwsConsoleSignIn`); `nil` means the usual.
    public var eventType: String?
    /// Facts CloudTrail keeps in `additionalEventData` beside the chain hash (`MFAUsed`).
    public var additionalEventData: [String: AWSValue] = [:]

    public init(
        eventTime: Date, eventSource: String, eventName: String, awsRegion: String, sourceIPAddress: String, userAgent: String,
        identity: Identity?, requestParameters: AWSValue? = nil, responseElements: AWSValue? = nil, errorCode: String? = nil,
        errorMessage: String? = nil, requestId: String, readOnly: Bool, recipientAccountId: String, resources: [AuditResource] = [],
        permissive: Bool = false
    ) {
        self.eventTime = eventTime
        self.eventSource = eventSource
        self.eventName = eventName
        self.awsRegion = awsRegion
        self.sourceIPAddress = sourceIPAddress
        self.userAgent = userAgent
        self.identity = identity
        self.requestParameters = requestParameters
        self.responseElements = responseElements
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.requestId = requestId
        self.readOnly = readOnly
        self.recipientAccountId = recipientAccountId
        self.resources = resources
        self.permissive = permissive
    }

    /// The CloudTrail record (JSON text), chained to the event before it.
    func record(previousHash: String) -> String {
        var record: [String: AWSValue] = [
            "eventVersion": "1.11",
            "eventTime": .string(Timestamp.iso8601(eventTime)),
            "eventSource": .string(eventSource),
            "eventName": .string(eventName),
            "awsRegion": .string(awsRegion),
            "sourceIPAddress": .string(sourceIPAddress),
            "userAgent": .string(userAgent),
            "requestID": .string(requestId),
            "eventID": .string(eventId),
            "readOnly": .boolean(readOnly),
            "eventType": .string(eventType ?? (identity == nil ? "GatehouseOperatorCall" : "AwsApiCall")),
            "managementEvent": .boolean(true),
            "recipientAccountId": .string(recipientAccountId),
            "eventCategory": "Management",
        ]
        var additional = additionalEventData
        additional["previousEventHash"] = .string(previousHash)
        if permissive { additional["gatehousePermissive"] = .boolean(true) }
        record["additionalEventData"] = .object(additional)
        record["userIdentity"] = identity.map(Self.userIdentity) ?? ["type": "GatehouseOperator", "invokedBy": "gatehouse"]
        if let requestParameters { record["requestParameters"] = requestParameters }
        if let responseElements { record["responseElements"] = responseElements }
        if let errorCode { record["errorCode"] = .string(errorCode) }
        if let errorMessage { record["errorMessage"] = .string(errorMessage) }
        if !resources.isEmpty {
            record["resources"] = .list(resources.map { ["type": .string($0.type), "ARN": .string($0.name)] })
        }
        return JSONWriter.write(.object(record))
    }

    static func userIdentity(_ identity: Identity) -> AWSValue {
        var attributes: [String: AWSValue] = ["mfaAuthenticated": identity.mfaAuthenticated ? "true" : "false"]
        if let created = identity.sessionCreated { attributes["creationDate"] = .string(Timestamp.iso8601(created)) }
        var sessionContext: [String: AWSValue] = ["attributes": .object(attributes)]
        let principal = identity.principal
        if let roleArn = principal.roleArn, let roleId = principal.roleId, let session = principal.roleSession {
            sessionContext["sessionIssuer"] = [
                "type": "Role", "principalId": .string(roleId), "arn": .string(roleArn), "accountId": .string(principal.accountId),
                "userName": .string(session.roleName),
            ]
            if let source = session.sourceIdentity { sessionContext["sourceIdentity"] = .string(source) }
        }
        var value: [String: AWSValue] = [
            "type": .string(principal.kind.rawValue),
            "principalId": .string(principal.userId),
            "arn": .string(principal.arn),
            "accountId": .string(principal.accountId),
            "sessionContext": .object(sessionContext),
        ]
        if [.user, .identityCenterUser, .unknown].contains(principal.kind) { value["userName"] = .string(principal.username) }
        if let key = identity.accessKeyId { value["accessKeyId"] = .string(key) }
        return .object(value)
    }
}
