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

    /// Time-ordered, from `eventTime`, so the trail's index of event IDs grows at its end.
    public var eventId: String
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
        self.eventId = Identifiers.timeOrderedUUID(at: eventTime)
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
    ///
    /// Written member by member with the keys in sorted order: the same text as writing the record
    /// as one ``AWSValue`` object, without building and sorting it (it is on every call's path).
    func record(previousHash: String) -> String {
        var record = JSONObjectWriter(capacity: 1024)
        if additionalEventData.isEmpty {
            record.member("additionalEventData") { data in
                if permissive { data.member("gatehousePermissive", true) }
                data.member("previousEventHash", previousHash)
            }
        } else {
            var additional = additionalEventData
            additional["previousEventHash"] = .string(previousHash)
            if permissive { additional["gatehousePermissive"] = .boolean(true) }
            record.member("additionalEventData", .object(additional))
        }
        record.member("awsRegion", awsRegion)
        if let errorCode { record.member("errorCode", errorCode) }
        if let errorMessage { record.member("errorMessage", errorMessage) }
        record.member("eventCategory", "Management")
        record.member("eventID", eventId)
        record.member("eventName", eventName)
        record.member("eventSource", eventSource)
        record.member("eventTime", Timestamp.iso8601(eventTime))
        record.member("eventType", eventType ?? (identity == nil ? "GatehouseOperatorCall" : "AwsApiCall"))
        record.member("eventVersion", "1.11")
        record.member("managementEvent", true)
        record.member("readOnly", readOnly)
        record.member("recipientAccountId", recipientAccountId)
        record.member("requestID", requestId)
        if let requestParameters { record.member("requestParameters", requestParameters) }
        if !resources.isEmpty {
            record.member("resources", objects: resources) { resource, value in
                value.member("ARN", resource.name)
                value.member("type", resource.type)
            }
        }
        if let responseElements { record.member("responseElements", responseElements) }
        record.member("sourceIPAddress", sourceIPAddress)
        record.member("userAgent", userAgent)
        record.member("userIdentity") { value in
            guard let identity else {
                value.member("invokedBy", "gatehouse")
                value.member("type", "GatehouseOperator")
                return
            }
            Self.write(identity, into: &value)
        }
        return record.finish()
    }

    /// CloudTrail's `userIdentity`, keys in sorted order.
    static func write(_ identity: Identity, into value: inout JSONObjectWriter) {
        let principal = identity.principal
        if let key = identity.accessKeyId { value.member("accessKeyId", key) }
        value.member("accountId", principal.accountId)
        value.member("arn", principal.arn)
        value.member("principalId", principal.userId)
        value.member("sessionContext") { context in
            context.member("attributes") { attributes in
                if let created = identity.sessionCreated { attributes.member("creationDate", Timestamp.iso8601(created)) }
                attributes.member("mfaAuthenticated", identity.mfaAuthenticated ? "true" : "false")
            }
            if let roleArn = principal.roleArn, let roleId = principal.roleId, let session = principal.roleSession {
                context.member("sessionIssuer") { issuer in
                    issuer.member("accountId", principal.accountId)
                    issuer.member("arn", roleArn)
                    issuer.member("principalId", roleId)
                    issuer.member("type", "Role")
                    issuer.member("userName", session.roleName)
                }
                if let source = session.sourceIdentity { context.member("sourceIdentity", source) }
            }
        }
        value.member("type", principal.kind.rawValue)
        if [.user, .identityCenterUser, .unknown].contains(principal.kind) { value.member("userName", principal.username) }
    }
}
