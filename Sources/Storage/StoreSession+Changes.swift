import SQLKit

extension StoreSession {
    /// Appends to the change feed; every write that changes an entity calls this in its transaction.
    func appendChange(entity: String, id: String) async throws {
        try await sql.raw("INSERT INTO changes (entity, entity_id) VALUES (\(bind: entity), \(bind: id))").run()
    }

    /// The newest revision of the change feed (0 when empty).
    public func latestRevision() async throws -> Int64 {
        try await sql.raw("SELECT coalesce(max(revision), 0) AS revision FROM changes").first()?.decode(column: "revision", as: Int64.self) ?? 0
    }

    /// The changes after `revision`, oldest first.
    public func changes(after revision: Int64, limit: Int = 10_000) async throws -> [ChangeRecord] {
        try await sql.raw("SELECT * FROM changes WHERE revision > \(bind: revision) ORDER BY revision LIMIT \(bind: limit)").all().map { row in
            ChangeRecord(
                revision: try row.decode(column: "revision", as: Int64.self),
                entity: try row.decode(column: "entity", as: String.self),
                entityId: try row.decode(column: "entity_id", as: String.self)
            )
        }
    }
}
