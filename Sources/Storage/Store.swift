import Logging
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization

/// The durable store: an embedded SQLite database in WAL mode with full sync.
///
/// Writes go through ``write(_:)`` one at a time, each in a savepoint of a shared
/// `BEGIN IMMEDIATE` transaction (group commit, ``CommitBatch``): the writes that arrive
/// while one commit is being fsynced run next and commit together. A write returns only
/// after the `COMMIT` that holds it (so after the fsync), which is what "acknowledged
/// means durable" rests on; a write that fails is rolled back to its savepoint alone.
/// Several processes may open the same
/// file: SQLite's locks keep their transactions apart, and the change feed tells
/// each what the others wrote.
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
    private let logger: Logger

    private init(writer: SQLiteConnection, reader: SQLiteConnection, logger: Logger) {
        self.writer = writer
        self.reader = reader
        self.logger = logger
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date;
    /// `nil` opens a private in-memory database (tests).
    public static func open(path: String?, logger: Logger) async throws -> Store {
        let storage: SQLiteConnection.Storage = path.map { .file(path: $0) } ?? .memory
        let writer = try await SQLiteConnection.open(storage: storage, logger: logger)
        let reader: SQLiteConnection
        do {
            // An in-memory database is private to its connection: read through the writer.
            reader = path == nil ? writer : try await SQLiteConnection.open(storage: storage, logger: logger)
        } catch {
            try? await writer.close()
            throw error
        }
        let store = Store(writer: writer, reader: reader, logger: logger)
        do {
            try await store.prepare(inMemory: path == nil)
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    private func prepare(inMemory: Bool) async throws {
        for connection in inMemory ? [writer] : [writer, reader] {
            let sql = connection.sql()
            // Wait for other processes' locks (replaces sqlite-nio's spinning busy handler).
            try await sql.raw("PRAGMA busy_timeout = 30000").run()
            try await sql.raw("PRAGMA foreign_keys = ON").run()
        }
        if !inMemory {
            try await writer.sql().raw("PRAGMA journal_mode = WAL").run()
        }
        // FULL: each commit is fsynced before it returns, WAL or not.
        try await writer.sql().raw("PRAGMA synchronous = FULL").run()
        try await migrate()
    }

    /// Closes both connections; the store cannot be used afterwards.
    public func close() async throws {
        try await gate.run {
            try await Task { [reader, writer] in
                if reader !== writer { try await reader.close() }
                try await writer.close()
            }.value
        }
    }

    /// Deletes every row of every table in one transaction: the store as a new data folder has it
    /// (the schema stays). For development servers only.
    public func erase() async throws {
        try await write { session in
            for table in ["audit_resources", "audit_events", "documents", "access_keys", "accounts", "changes"] {
                try await session.sql.raw("DELETE FROM \(ident: table)").run()
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
            let sql = writer.sql()
            if let open = openBatch.withLock({ $0 }) {
                if let broken = open.broken { throw broken }
                return (try await joining(open, sql, body), open, false)
            }
            // The first write of a transaction needs no savepoint: if it fails, nothing else is in the
            // transaction yet, and it is rolled back whole.
            try await Self.finish(sql, "BEGIN IMMEDIATE")
            let batch = CommitBatch()
            do {
                let value = try await body(StoreSession(sql: sql))
                openBatch.withLock { $0 = batch }
                return (.success(value), batch, true)
            } catch {
                do {
                    try await Self.finish(sql, "ROLLBACK")
                } catch let rollback {
                    logger.error("rollback failed", metadata: ["error": "\(rollback)"])
                }
                batch.finish(.failure(error))
                return (.failure(error), batch, false)
            }
        }
        if leads { try await gate.run { try await commit(batch) } }
        let value = try result.get()
        try await batch.committed()
        return value
    }

    /// Runs `body` in a savepoint of the open transaction, so that its failure undoes only its own changes.
    private func joining<T: Sendable>(_ batch: CommitBatch, _ sql: any SQLDatabase, _ body: (StoreSession) async throws -> T) async throws -> Result<T, any Error> {
        try await Self.finish(sql, "SAVEPOINT write")
        do {
            let value = try await body(StoreSession(sql: sql))
            try await Self.finish(sql, "RELEASE write")
            return .success(value)
        } catch {
            do {
                try await Self.finish(sql, "ROLLBACK TO write")
                try await Self.finish(sql, "RELEASE write")
            } catch let rollback {
                logger.error("rollback to savepoint failed", metadata: ["error": "\(rollback)"])
                batch.breaks(rollback)
            }
            return .failure(error)
        }
    }

    /// Ends the open transaction: `COMMIT`, or `ROLLBACK` when a write broke it; tells every writer in it.
    private func commit(_ batch: CommitBatch) async throws {
        openBatch.withLock { $0 = nil }
        let sql = writer.sql()
        if let broken = batch.broken {
            try? await Self.finish(sql, "ROLLBACK")
            batch.finish(.failure(broken))
            return
        }
        do {
            try await Self.finish(sql, "COMMIT")
            batch.finish(.success(()))
        } catch {
            try? await Self.finish(sql, "ROLLBACK")
            batch.finish(.failure(error))
        }
    }

    /// Runs `body` against a consistent read view (a read transaction).
    public func read<T: Sendable>(_ body: (StoreSession) async throws -> T) async throws -> T {
        if reader === writer { return try await write(body) }
        return try await readGate.run { try await transaction(on: reader, begin: "BEGIN", body) }
    }

    private func transaction<T: Sendable>(
        on connection: SQLiteConnection,
        begin: SQLQueryString,
        _ body: (StoreSession) async throws -> T
    ) async throws -> T {
        let sql = connection.sql()
        try await sql.raw(begin).run()
        do {
            let result = try await body(StoreSession(sql: sql))
            try await Self.finish(sql, "COMMIT")
            return result
        } catch {
            do {
                try await Self.finish(sql, "ROLLBACK")
            } catch let rollback {
                logger.error("rollback failed", metadata: ["error": "\(rollback)"])
            }
            throw error
        }
    }

    /// Ends a transaction even when the calling task is cancelled (sqlite-nio refuses work in a
    /// cancelled task, which would leave the connection inside the transaction).
    private static func finish(_ sql: any SQLDatabase, _ statement: SQLQueryString) async throws {
        try await Task { try await sql.raw(statement).run() }.value
    }

    func migrate() async throws {
        try await writer.sql().raw("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)").run()
        try await write { session in
            let applied = try await session.sql.raw("SELECT version FROM schema_migrations").all()
                .map { try $0.decode(column: "version", as: Int.self) }
            for migration in Migrations.all where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await session.sql.raw(SQLQueryString(statement)).run()
                }
                try await session.sql.raw(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (\(bind: migration.version), strftime('%s','now'))"
                ).run()
            }
        }
    }
}

/// The statements Gatehouse runs against the store, inside a read or write transaction.
public struct StoreSession: Sendable {
    public let sql: any SQLDatabase
}
