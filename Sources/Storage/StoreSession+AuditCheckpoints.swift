/// A signed checkpoint of the audit trail as stored.
public struct AuditCheckpointRecord: Sendable, Equatable {
    public var id: Int64
    /// The number and hash of the chain's last event when the checkpoint was made.
    public var eventSeq: Int64
    public var eventHash: String
    public var createdAt: Double
    /// The signature of the checkpoint before (empty for the first).
    public var previousSignature: String
    /// Base64 Ed25519 signature of the fields above (the audit trail says how they are put together).
    public var signature: String

    public init(id: Int64, eventSeq: Int64, eventHash: String, createdAt: Double, previousSignature: String, signature: String) {
        self.id = id
        self.eventSeq = eventSeq
        self.eventHash = eventHash
        self.createdAt = createdAt
        self.previousSignature = previousSignature
        self.signature = signature
    }
}

extension StoreSession {
    /// The chain's last event (its number and hash), if there is one.
    public func auditLastEvent() async throws -> (seq: Int64, hash: String)? {
        guard let row = try connection.first("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1") else { return nil }
        return (try row.int64("seq"), try row.string("hash"))
    }

    /// The newest checkpoint, if any.
    public func lastAuditCheckpoint() async throws -> AuditCheckpointRecord? {
        try connection.rows("SELECT * FROM audit_checkpoints ORDER BY id DESC LIMIT 1").first.map(Self.checkpoint)
    }

    /// The number the next checkpoint gets (AUTOINCREMENT's, so numbers are never reused after rows were deleted).
    public func nextAuditCheckpointId() async throws -> Int64 {
        let row = try connection.first(
            """
            SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'audit_checkpoints'), 0),
                       COALESCE((SELECT MAX(id) FROM audit_checkpoints), 0)) + 1 AS id
            """)
        return try row?.int64("id") ?? 1
    }

    /// Stores a checkpoint made with ``nextAuditCheckpointId()``.
    public func appendAuditCheckpoint(_ checkpoint: AuditCheckpointRecord) async throws {
        try connection.execute(
            "INSERT INTO audit_checkpoints (id, event_seq, event_hash, created_at, previous_signature, signature) VALUES (?, ?, ?, ?, ?, ?)",
            checkpoint.id, checkpoint.eventSeq, checkpoint.eventHash, checkpoint.createdAt, checkpoint.previousSignature, checkpoint.signature)
    }

    /// Every checkpoint, oldest first.
    public func auditCheckpoints() async throws -> [AuditCheckpointRecord] {
        try connection.rows("SELECT * FROM audit_checkpoints ORDER BY id").map(Self.checkpoint)
    }

    static func checkpoint(_ row: SQLRow) throws -> AuditCheckpointRecord {
        AuditCheckpointRecord(
            id: try row.int64("id"), eventSeq: try row.int64("event_seq"), eventHash: try row.string("event_hash"),
            createdAt: try row.double("created_at"), previousSignature: try row.string("previous_signature"), signature: try row.string("signature"))
    }
}
