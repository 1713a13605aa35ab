import SQLKit

/// Which audit events a lookup wants: one account's, newest first, optionally filtered.
public struct AuditQuery: Sendable {
    /// A lookup attribute, as CloudTrail's LookupEvents names them.
    public enum Attribute: Sendable, Equatable {
        case eventId(String), eventName(String), readOnly(Bool), username(String)
        case resourceType(String), resourceName(String), eventSource(String), accessKeyId(String)
    }

    /// Where the previous page ended (exclusive).
    public struct Cursor: Sendable, Equatable {
        public var eventTime: Double
        public var seq: Int64

        public init(eventTime: Double, seq: Int64) {
            self.eventTime = eventTime
            self.seq = seq
        }
    }

    public var accountId: String
    public var attribute: Attribute?
    public var start: Double?
    public var end: Double?
    public var limit: Int
    public var after: Cursor?

    public init(accountId: String, attribute: Attribute? = nil, start: Double? = nil, end: Double? = nil, limit: Int, after: Cursor? = nil) {
        self.accountId = accountId
        self.attribute = attribute
        self.start = start
        self.end = end
        self.limit = limit
        self.after = after
    }
}

extension StoreSession {
    /// Where the chain ends: the newest event's hash (64 zeros before the first), and the last number
    /// AUTOINCREMENT handed out (so that numbers are never reused, even after rows were deleted).
    public func auditTail() async throws -> (hash: String, seq: Int64) {
        let row = try await sql.raw(
            """
            SELECT (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1) AS hash,
                   MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'), 0),
                       COALESCE((SELECT MAX(seq) FROM audit_events), 0)) AS seq
            """
        ).first()
        return (
            try row?.decode(column: "hash", as: String?.self) ?? String(repeating: "0", count: 64),
            try row?.decode(column: "seq", as: Int64.self) ?? 0
        )
    }

    /// Appends events in order (their hashes already chained to ``auditTail()``, numbered after its
    /// `seq`), a few hundred rows to a statement: a flush of thousands of buffered read events costs a
    /// handful of queries.
    public func append(_ events: [AuditEventRecord], after last: Int64) async throws {
        guard !events.isEmpty else { return }
        var seq = last
        var resources: [(seq: Int64, resource: AuditResource)] = []
        for chunk in stride(from: 0, to: events.count, by: 200).map({ events[$0..<min(events.count, $0 + 200)] }) {
            var text: SQLQueryString = """
                INSERT INTO audit_events (seq, event_id, event_time, account_id, event_name, event_source, username,
                                          access_key_id, read_only, record, previous_hash, hash) VALUES 
                """
            for (offset, event) in chunk.enumerated() {
                seq += 1
                text += offset == 0 ? "" : ", "
                text += """
                    (\(bind: seq), \(bind: event.eventId), \(bind: event.eventTime), \(bind: event.accountId), \(bind: event.eventName),
                     \(bind: event.eventSource), \(bind: event.username), \(bind: event.accessKeyId), \(bind: event.readOnly),
                     \(bind: event.record), \(bind: event.previousHash), \(bind: event.hash))
                    """
                resources += event.resources.map { (seq, $0) }
            }
            try await sql.raw(text).run()
        }
        for start in stride(from: 0, to: resources.count, by: 300) {
            var text: SQLQueryString = "INSERT INTO audit_resources (seq, resource_type, resource_name) VALUES "
            for (offset, entry) in resources[start..<min(resources.count, start + 300)].enumerated() {
                text += offset == 0 ? "" : ", "
                text += "(\(bind: entry.seq), \(bind: entry.resource.type), \(bind: entry.resource.name))"
            }
            try await sql.raw(text).run()
        }
    }

    /// The events `query` selects, newest first.
    public func auditEvents(_ query: AuditQuery) async throws -> [AuditEventRecord] {
        var text: SQLQueryString = "SELECT * FROM audit_events e WHERE account_id = \(bind: query.accountId)"
        switch query.attribute {
        case .eventId(let value)?: text += " AND event_id = \(bind: value)"
        case .eventName(let value)?: text += " AND event_name = \(bind: value)"
        case .readOnly(let value)?: text += " AND read_only = \(bind: value)"
        case .username(let value)?: text += " AND username = \(bind: value)"
        case .eventSource(let value)?: text += " AND event_source = \(bind: value)"
        case .accessKeyId(let value)?: text += " AND access_key_id = \(bind: value)"
        case .resourceType(let value)?:
            text += " AND EXISTS (SELECT 1 FROM audit_resources r WHERE r.seq = e.seq AND r.resource_type = \(bind: value))"
        case .resourceName(let value)?:
            text += " AND EXISTS (SELECT 1 FROM audit_resources r WHERE r.seq = e.seq AND r.resource_name = \(bind: value))"
        case nil: break
        }
        if let start = query.start { text += " AND event_time >= \(bind: start)" }
        if let end = query.end { text += " AND event_time <= \(bind: end)" }
        if let after = query.after {
            text += " AND (event_time < \(bind: after.eventTime) OR (event_time = \(bind: after.eventTime) AND seq < \(bind: after.seq)))"
        }
        text += " ORDER BY event_time DESC, seq DESC LIMIT \(bind: query.limit)"
        var events: [AuditEventRecord] = []
        for row in try await sql.raw(text).all() {
            let seq = try row.decode(column: "seq", as: Int64.self)
            let resources = try await sql.raw("SELECT resource_type, resource_name FROM audit_resources WHERE seq = \(bind: seq)").all().map {
                AuditResource(type: try $0.decode(column: "resource_type", as: String.self), name: try $0.decode(column: "resource_name", as: String.self))
            }
            events.append(
                AuditEventRecord(
                    seq: seq,
                    eventId: try row.decode(column: "event_id", as: String.self),
                    eventTime: try row.decode(column: "event_time", as: Double.self),
                    accountId: try row.decode(column: "account_id", as: String.self),
                    eventName: try row.decode(column: "event_name", as: String.self),
                    eventSource: try row.decode(column: "event_source", as: String.self),
                    username: try row.decode(column: "username", as: String?.self),
                    accessKeyId: try row.decode(column: "access_key_id", as: String?.self),
                    readOnly: try row.decode(column: "read_only", as: Bool.self),
                    resources: resources,
                    record: try row.decode(column: "record", as: String.self),
                    previousHash: try row.decode(column: "previous_hash", as: String.self),
                    hash: try row.decode(column: "hash", as: String.self)
                )
            )
        }
        return events
    }

    /// Every event in chain order, for verifying the chain.
    public func auditChain(after seq: Int64, limit: Int) async throws -> [(seq: Int64, record: String, previousHash: String, hash: String)] {
        try await sql.raw("SELECT seq, record, previous_hash, hash FROM audit_events WHERE seq > \(bind: seq) ORDER BY seq LIMIT \(bind: limit)")
            .all().map {
                (
                    try $0.decode(column: "seq", as: Int64.self), try $0.decode(column: "record", as: String.self),
                    try $0.decode(column: "previous_hash", as: String.self), try $0.decode(column: "hash", as: String.self)
                )
            }
    }
}
