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
        let row = try connection.first(
            """
            SELECT (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1) AS hash,
                   MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'), 0),
                       COALESCE((SELECT MAX(seq) FROM audit_events), 0)) AS seq
            """)
        return (try row?.optionalString("hash") ?? String(repeating: "0", count: 64), try row?.int64("seq") ?? 0)
    }

    /// Appends events in order (their hashes already chained to ``auditTail()``, numbered after its `seq`).
    public func append(_ events: [AuditEventRecord], after last: Int64) async throws {
        var seq = last
        for event in events {
            seq += 1
            try connection.execute(
                """
                INSERT INTO audit_events (seq, event_id, event_time, account_id, event_name, event_source, username,
                                          access_key_id, read_only, record, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                seq, event.eventId, event.eventTime, event.accountId, event.eventName, event.eventSource, event.username, event.accessKeyId,
                event.readOnly, event.record, event.previousHash, event.hash)
            for resource in event.resources {
                try connection.execute(
                    "INSERT INTO audit_resources (seq, resource_type, resource_name) VALUES (?, ?, ?)", seq, resource.type, resource.name)
            }
        }
    }

    /// The events `query` selects, newest first.
    public func auditEvents(_ query: AuditQuery) async throws -> [AuditEventRecord] {
        var text = "SELECT * FROM audit_events e WHERE account_id = ?"
        var values: [any SQLBindable] = [query.accountId]
        func and(_ condition: String, _ value: any SQLBindable) {
            text += " AND \(condition)"
            values.append(value)
        }
        switch query.attribute {
        case .eventId(let value)?: and("event_id = ?", value)
        case .eventName(let value)?: and("event_name = ?", value)
        case .readOnly(let value)?: and("read_only = ?", value)
        case .username(let value)?: and("username = ?", value)
        case .eventSource(let value)?: and("event_source = ?", value)
        case .accessKeyId(let value)?: and("access_key_id = ?", value)
        case .resourceType(let value)?:
            and("EXISTS (SELECT 1 FROM audit_resources r WHERE r.seq = e.seq AND r.resource_type = ?)", value)
        case .resourceName(let value)?:
            and("EXISTS (SELECT 1 FROM audit_resources r WHERE r.seq = e.seq AND r.resource_name = ?)", value)
        case nil: break
        }
        if let start = query.start { and("event_time >= ?", start) }
        if let end = query.end { and("event_time <= ?", end) }
        if let after = query.after {
            text += " AND (event_time < ? OR (event_time = ? AND seq < ?))"
            values += [after.eventTime, after.eventTime, after.seq]
        }
        text += " ORDER BY event_time DESC, seq DESC LIMIT ?"
        values.append(query.limit)
        return try connection.rows(text, values).map { row in
            let seq = try row.int64("seq")
            let resources = try connection.rows("SELECT resource_type, resource_name FROM audit_resources WHERE seq = ?", seq).map {
                AuditResource(type: try $0.string("resource_type"), name: try $0.string("resource_name"))
            }
            return AuditEventRecord(
                seq: seq,
                eventId: try row.string("event_id"),
                eventTime: try row.double("event_time"),
                accountId: try row.string("account_id"),
                eventName: try row.string("event_name"),
                eventSource: try row.string("event_source"),
                username: try row.optionalString("username"),
                accessKeyId: try row.optionalString("access_key_id"),
                readOnly: try row.bool("read_only"),
                resources: resources,
                record: try row.string("record"),
                previousHash: try row.string("previous_hash"),
                hash: try row.string("hash")
            )
        }
    }

    /// Every event in chain order, for verifying the chain.
    public func auditChain(after seq: Int64, limit: Int) async throws -> [(seq: Int64, record: String, previousHash: String, hash: String)] {
        try connection.rows("SELECT seq, record, previous_hash, hash FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?", seq, limit).map {
            (try $0.int64("seq"), try $0.string("record"), try $0.string("previous_hash"), try $0.string("hash"))
        }
    }
}
