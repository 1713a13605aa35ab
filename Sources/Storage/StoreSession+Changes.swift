extension StoreSession {
    /// Appends to the change feed; every write that changes an entity calls this in its transaction.
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
