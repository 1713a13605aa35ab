import CSQLite
import Dispatch
import Logging
import Synchronization

/// The durable store: an embedded SQLite database in WAL mode with full sync.
///
/// Writes go through ``write(_:)`` one at a time, each in a savepoint of a shared
/// `BEGIN IMMEDIATE` transaction (group commit, ``CommitBatch``): the writes that arrive
/// while one commit is being fsynced run next and commit together. A write returns only
/// after the `COMMIT` that holds it (so after the fsync), which is what "acknowledged
/// means durable" rests on; a write that fails is rolled back to its savepoint alone.
///
/// A transaction's statements run on the calling task's thread, prepared once and kept
/// (``SQLiteConnection``): they take microseconds. The two statements that can wait, `BEGIN
/// IMMEDIATE` (for another process's lock) and `COMMIT` (for the fsync), run on the store's
/// own queue instead, so a wait never holds one of the few threads that serve requests.
/// Several processes may open the same file: SQLite's locks keep their transactions apart,
/// and the change feed tells each what the others wrote.
///
/// ```swift
/// let store = try await Store.open(path: "data/gatehouse.sqlite", logger: logger)
/// try await store.write { session in try await session.insert(account) }
/// ```
public final class Store: Sendable {
    private let writer: SQLiteConnection
    private let reader: SQLiteConnection
    private let gate = SerialGate()
    private let readGate = SerialGate()
    /// The open write transaction's batch (changed only by a task inside `gate`).
    private let openBatch = Mutex<CommitBatch?>(nil)
    /// Where the statements that wait (on a lock or an fsync) run.
    private let waits = DispatchQueue(label: "gatehouse.store")
    /// Documents written through this store, until the snapshot reads them back.
    public let written = WrittenDocuments()
    private let logger: Logger

    private init(writer: SQLiteConnection, reader: SQLiteConnection, logger: Logger) {
        self.writer = writer
        self.reader = reader
        self.logger = logger
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date;
    /// `nil` opens a private in-memory database (tests).
    public static func open(path: String?, logger: Logger) async throws -> Store {
        let writer = try SQLiteConnection(path: path ?? ":memory:")
        // An in-memory database is private to its connection: read through the writer.
        let reader = try path.map { try SQLiteConnection(path: $0) } ?? writer
        let store = Store(writer: writer, reader: reader, logger: logger)
        try await store.prepare(inMemory: path == nil)
        return store
    }

    private func prepare(inMemory: Bool) async throws {
        for connection in inMemory ? [writer] : [writer, reader] {
            // Wait for other processes' locks.
            try connection.execute("PRAGMA busy_timeout = 30000")
            try connection.execute("PRAGMA foreign_keys = ON")
        }
        if !inMemory {
            try writer.execute("PRAGMA journal_mode = WAL")
        }
        // FULL: each commit is fsynced before it returns, WAL or not.
        try writer.execute("PRAGMA synchronous = FULL")
        try await migrate()
    }

    /// Closes both connections; the store cannot be used afterwards.
    public func close() async throws {
        try await gate.run {
            try await readGate.run {
                reader.close()
                writer.close()
            }
        }
    }

    /// Deletes every account, key, document and audit event in one transaction: the store as a new data folder
    /// has it (the schema stays), but for the change feed, which records each deletion like any other. The snapshot,
    /// a refresh that read the feed before the erase, and other processes on the same file all see them as deletions.
    /// For development servers only.
    public func erase() async throws {
        try await write { session in
            for (entity, id, table) in [
                // A document's id as `DocumentRecord.changeId` writes it.
                ("document", "account_id || '/' || kind || '/' || key", "documents"), ("access_key", "id", "access_keys"),
                ("account", "id", "accounts"),
            ] {
                try session.connection.execute("INSERT INTO changes (entity, entity_id) SELECT '\(entity)', \(id) FROM \(table)")
            }
            for table in ["sign_in_failures", "audit_checkpoints", "audit_resources", "audit_events", "documents", "access_keys", "accounts"] {
                try session.connection.execute("DELETE FROM \(table)")
            }
        }
    }

    /// Runs `body` as one write: its changes are committed, durably, when this returns, and rolled
    /// back (to the write's own savepoint) when it throws.
    ///
    /// The first write to find no transaction open begins one and queues its `COMMIT` behind the
    /// writes already waiting at the gate, which join the transaction; each writer returns when
    /// that commit is done.
    public func write<T: Sendable>(_ body: (StoreSession) async throws -> T) async throws -> T {
        let (result, batch, leads) = try await gate.run { () async throws -> (Result<T, any Error>, CommitBatch, Bool) in
            if let open = openBatch.withLock({ $0 }) {
                if let broken = open.broken { throw broken }
                return (try await joining(open, body), open, false)
            }
            // The first write of a transaction needs no savepoint: if it fails, nothing else is in the
            // transaction yet, and it is rolled back whole.
            try await waiting { [writer] in try writer.execute("BEGIN IMMEDIATE") }
            let batch = CommitBatch()
            do {
                let value = try await body(StoreSession(connection: writer, written: written))
                guard writer.inTransaction else { throw Self.transactionLost }
                openBatch.withLock { $0 = batch }
                return (.success(value), batch, true)
            } catch {
                do {
                    // SQLite may have ended the transaction itself already.
                    if writer.inTransaction { try writer.execute("ROLLBACK") }
                } catch let rollback {
                    logger.error("rollback failed", metadata: ["error": "\(rollback)"])
                }
                batch.finish(.failure(error))
                return (.failure(error), batch, false)
            }
        }
        if leads { try await gate.run { await commit(batch) } }
        let value = try result.get()
        try await batch.committed()
        return value
    }

    /// Runs `body` in a savepoint of the open transaction, so that its failure undoes only its own changes.
    private func joining<T: Sendable>(_ batch: CommitBatch, _ body: (StoreSession) async throws -> T) async throws -> Result<T, any Error> {
        guard writer.inTransaction else {
            batch.breaks(Self.transactionLost)
            throw Self.transactionLost
        }
        try writer.execute("SAVEPOINT write")
        do {
            let value = try await body(StoreSession(connection: writer, written: written))
            try writer.execute("RELEASE write")
            // SQLite rolled the whole transaction back (a full disk, say): the writes before this one are gone too.
            guard writer.inTransaction else {
                batch.breaks(Self.transactionLost)
                return .failure(Self.transactionLost)
            }
            return .success(value)
        } catch {
            do {
                try writer.execute("ROLLBACK TO write")
                try writer.execute("RELEASE write")
            } catch let rollback {
                logger.error("rollback to savepoint failed", metadata: ["error": "\(rollback)"])
                batch.breaks(rollback)
            }
            return .failure(error)
        }
    }

    /// Ends the open transaction: `COMMIT`, or `ROLLBACK` when a write broke it; tells every writer in it.
    private func commit(_ batch: CommitBatch) async {
        openBatch.withLock { $0 = nil }
        if let broken = batch.broken {
            if writer.inTransaction { try? writer.execute("ROLLBACK") }
            batch.finish(.failure(broken))
            return
        }
        do {
            try await waiting { [writer] in try writer.execute("COMMIT") }
            batch.finish(.success(()))
        } catch {
            try? writer.execute("ROLLBACK")
            batch.finish(.failure(error))
        }
    }

    /// What a write gets when SQLite ended its transaction by itself.
    static let transactionLost = SQLiteError(code: SQLITE_ABORT, message: "the transaction was rolled back")

    /// Runs `body` against a consistent read view (a read transaction).
    public func read<T: Sendable>(_ body: (StoreSession) async throws -> T) async throws -> T {
        if reader === writer { return try await write(body) }
        return try await readGate.run {
            try reader.execute("BEGIN")
            do {
                let result = try await body(StoreSession(connection: reader, written: written))
                try reader.execute("COMMIT")
                return result
            } catch {
                do {
                    try reader.execute("ROLLBACK")
                } catch let rollback {
                    logger.error("rollback failed", metadata: ["error": "\(rollback)"])
                }
                throw error
            }
        }
    }

    /// Runs a statement that may wait (on another process's lock, or on an fsync) on the store's
    /// queue, and resumes when it is done. Task cancellation does not cut it short, so a transaction
    /// is never left half-ended.
    private func waiting(_ statement: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waits.async { continuation.resume(with: Result { try statement() }) }
        }
    }

    func migrate() async throws {
        try writer.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)")
        try await write { session in
            let applied = try session.connection.rows("SELECT version FROM schema_migrations").map { try $0.int64("version") }
            for migration in Migrations.all where !applied.contains(Int64(migration.version)) {
                for statement in migration.statements {
                    try session.connection.execute(statement)
                }
                try migration.step?(session.connection)
                try session.connection.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, strftime('%s','now'))", migration.version)
            }
        }
    }
}

/// The statements Gatehouse runs against the store, inside a read or write transaction.
///
/// A session lends its transaction's connection, which runs one statement at a time: use it
/// from the task that was given it, never from child tasks running at once.
public struct StoreSession: Sendable {
    let connection: SQLiteConnection
    /// The store's record of documents written by this process (``WrittenDocuments``).
    public let written: WrittenDocuments
}
