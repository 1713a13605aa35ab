import AWSWire
import Directory
import Foundation
import Storage

/// The CloudTrail operations (`cloudtrail`, json 1.1): the event history of the caller's account.
struct CloudTrailOperations {
    let auditTrail: AuditTrail

    /// Every CloudTrail operation Gatehouse serves.
    var entries: [OperationEntry] {
        [OperationEntry(name: "LookupEvents", readOnly: true, validatesInput: true, handler: { try await lookupEvents($0) })]
    }

    /// LookupEvents: the account's events, newest first, at most 50 a page, one lookup attribute.
    func lookupEvents(_ call: OperationCall) async throws -> AWSValue {
        guard let caller = call.caller else { throw AWSError.internalFailure }
        let input = call.input
        let limit = Int(input["MaxResults"]?.integer ?? 50)
        guard (1...50).contains(limit) else {
            throw AWSError(code: "InvalidMaxResultsException", message: "MaxResults must be between 1 and 50, got \(limit).")
        }
        let attributes = input["LookupAttributes"]?.list ?? []
        guard attributes.count <= 1 else {
            throw AWSError(code: "InvalidLookupAttributesException", message: "You can specify at most one lookup attribute.")
        }
        let attribute = try attributes.first.map(Self.attribute)
        let start = input["StartTime"]?.timestamp?.timeIntervalSince1970
        let end = input["EndTime"]?.timestamp?.timeIntervalSince1970
        if let start, let end, start > end {
            throw AWSError(code: "InvalidTimeRangeException", message: "The start time must be earlier than the end time.")
        }
        if let category = input["EventCategory"]?.string, category != "insight" {
            throw AWSError(code: "InvalidEventCategoryException", message: "EventCategory must be 'insight'.")
        }
        var query = AuditQuery(accountId: caller.principal.accountId, attribute: attribute, start: start, end: end, limit: limit + 1)
        let fingerprint = Self.fingerprint(input)
        if let token = input["NextToken"]?.string {
            guard let cursor = PageToken.decode(token, fingerprint: fingerprint) else {
                throw AWSError(code: "InvalidNextTokenException", message: "The NextToken is not valid for these parameters.")
            }
            query.after = cursor
        }
        let records = try await auditTrail.lookup(query)
        let page = records.prefix(limit)
        var output: [String: AWSValue] = ["Events": .list(page.map(Self.event))]
        if records.count > limit, let last = page.last {
            output["NextToken"] = .string(PageToken.encode(.init(eventTime: last.eventTime, seq: last.seq), fingerprint: fingerprint))
        }
        return .object(output)
    }

    static func attribute(_ value: AWSValue) throws -> AuditQuery.Attribute {
        let key = value["AttributeKey"]?.string ?? ""
        let text = value["AttributeValue"]?.string ?? ""
        guard (1...2000).contains(text.count) else {
            throw AWSError(code: "InvalidLookupAttributesException", message: "The AttributeValue must be 1 to 2000 characters.")
        }
        switch key {
        case "EventId": return .eventId(text)
        case "EventName": return .eventName(text)
        case "ReadOnly":
            guard text == "true" || text == "false" else {
                throw AWSError(code: "InvalidLookupAttributesException", message: "The ReadOnly attribute value must be 'true' or 'false'.")
            }
            return .readOnly(text == "true")
        case "Username": return .username(text)
        case "ResourceType": return .resourceType(text)
        case "ResourceName": return .resourceName(text)
        case "EventSource": return .eventSource(text)
        case "AccessKeyId": return .accessKeyId(text)
        default:
            throw AWSError(
                code: "InvalidLookupAttributesException",
                message:
                    "'\(key)' is not a lookup attribute key; use one of EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId."
            )
        }
    }

    static func event(_ record: AuditEventRecord) -> AWSValue {
        var event: [String: AWSValue] = [
            "EventId": .string(record.eventId),
            "EventName": .string(record.eventName),
            "ReadOnly": .string(record.readOnly ? "true" : "false"),
            "EventTime": .timestamp(Date(timeIntervalSince1970: record.eventTime)),
            "EventSource": .string(record.eventSource),
            "Resources": .list(record.resources.map { ["ResourceType": .string($0.type), "ResourceName": .string($0.name)] }),
            "CloudTrailEvent": .string(record.record),
        ]
        if let key = record.accessKeyId { event["AccessKeyId"] = .string(key) }
        if let name = record.username { event["Username"] = .string(name) }
        return .object(event)
    }

    /// What a NextToken must be used with: every parameter but the token itself.
    static func fingerprint(_ input: AWSValue) -> String {
        var parameters = input.object ?? [:]
        parameters["NextToken"] = nil
        return JSONWriter.write(.object(parameters))
    }
}
