extension StoreSession {
    /// Appends to the change feed; every write that changes an entity calls this in its transaction. Whatever writes
    /// the store (a migration that rewrites documents while another process may run, too) must: the snapshot learns of
    /// changes from the feed, and the write views (`DocumentsInWrite`) trust a document the feed shows unchanged.
    func appendChange(entity: String, id: String) throws {
        try connection.execute("INSERT INTO changes (entity, entity_id) VALUES (?, ?)", entity, id)
    }

    /// The newest revision of the change feed (0 when empty).
    public func latestRevision() async throws -> Int64 {
        try connection.first("SELECT coalesce(max(revision), 0) AS revision FROM changes")?.int64("revision") ?? 0
    }

    /// The changes after `revision`, oldest first.
    public func changes(after revision: Int64, limit: Int = 10_000) async throws -> [ChangeRecord] {
        try connection.rows("SELECT * FROM changes WHERE revision > ? ORDER BY revision LIMIT ?", revision, limit).map { row in
            ChangeRecord(revision: try row.int64("revision"), entity: try row.string("entity"), entityId: try row.string("entity_id"))
        }
    }
}

extension StoreSession {
    /// The change IDs (``DocumentRecord/changeId``) of an account's documents that changed after `revision` (written
    /// or deleted), as this session sees them: in a write transaction, its own earlier writes too.
    public func documentsChanged(after revision: Int64, accountId: String) async throws -> Set<String> {
        let rows = try connection.rows(
            "SELECT DISTINCT entity_id FROM changes WHERE revision > ?1 AND entity = 'document' AND substr(entity_id, 1, length(?2)) = ?2",
            revision, "\(accountId)/")
        return Set(try rows.map { try $0.string("entity_id") })
    }
}
