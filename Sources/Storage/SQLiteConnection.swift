import CSQLite

/// One SQLite connection (the system's libsqlite3), whose statements run on the calling thread.
///
/// Statements are prepared once and kept, keyed by their text, so a statement the store runs
/// again skips SQLite's parser. The connection is not safe for concurrent use: the ``Store``
/// lets one task at a time use it (its gates), which also orders the memory each sees.
final class SQLiteConnection: @unchecked Sendable {
    /// How many distinct statements stay prepared; text beyond that (built for one query) is
    /// prepared, run and finalized.
    private static let cacheLimit = 128

    private var handle: OpaquePointer?
    private var prepared: [String: OpaquePointer] = [:]

    /// Opens (creating if needed) the database file at `path`; `":memory:"` opens a private
    /// in-memory database.
    init(path: String) throws(SQLiteError) {
        var handle: OpaquePointer?
        let status = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let handle else {
            let error = SQLiteError(status: status, handle: handle)
            sqlite3_close_v2(handle)
            throw error
        }
        self.handle = handle
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        close()
    }

    /// Finalizes every kept statement and closes the connection (idempotent).
    func close() {
        for statement in prepared.values { sqlite3_finalize(statement) }
        prepared.removeAll()
        sqlite3_close_v2(handle)
        handle = nil
    }

    /// Whether a transaction is open. SQLite ends one by itself after some errors (a full disk, an I/O error).
    var inTransaction: Bool {
        handle.map { sqlite3_get_autocommit($0) == 0 } ?? false
    }

    /// Runs a statement to completion, ignoring any rows it returns.
    func execute(_ sql: String, _ values: any SQLBindable...) throws(SQLiteError) {
        try run(sql, values) { _ in }
    }

    /// Runs a statement and returns its rows.
    func rows(_ sql: String, _ values: any SQLBindable...) throws(SQLiteError) -> [SQLRow] {
        try rows(sql, values)
    }

    /// Runs a statement whose values were gathered in an array (a query built at run time).
    func rows(_ sql: String, _ values: [any SQLBindable]) throws(SQLiteError) -> [SQLRow] {
        var rows: [SQLRow] = []
        var columns: SQLRow.Columns?
        try run(sql, values) { statement in
            let names = columns ?? SQLRow.Columns(statement)
            columns = names
            rows.append(SQLRow(statement, columns: names))
        }
        return rows
    }

    /// The first row of a statement, if any.
    func first(_ sql: String, _ values: any SQLBindable...) throws(SQLiteError) -> SQLRow? {
        try rows(sql, values).first
    }

    private func run(_ sql: String, _ values: [any SQLBindable], row: (OpaquePointer) -> Void) throws(SQLiteError) {
        guard let handle else { throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed") }
        let statement: OpaquePointer
        let kept: Bool
        if let cached = prepared[sql] {
            statement = cached
            kept = true
        } else {
            var made: OpaquePointer?
            var rest = true
            kept = prepared.count < Self.cacheLimit
            let status = sql.withCString { text in
                var tail: UnsafePointer<CChar>?
                defer { rest = tail.map { String(cString: $0).allSatisfy(\.isWhitespace) } ?? true }
                return sqlite3_prepare_v3(handle, text, -1, kept ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0, &made, &tail)
            }
            guard status == SQLITE_OK, let made else {
                throw status == SQLITE_OK ? SQLiteError(code: SQLITE_MISUSE, message: "no statement in the text") : SQLiteError(status: status, handle: handle)
            }
            guard rest else {
                sqlite3_finalize(made)
                throw SQLiteError(code: SQLITE_MISUSE, message: "one statement at a time")
            }
            statement = made
            if kept { prepared[sql] = made }
        }
        defer {
            if kept {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            } else {
                sqlite3_finalize(statement)
            }
        }
        guard Int(sqlite3_bind_parameter_count(statement)) == values.count else {
            throw SQLiteError(code: SQLITE_RANGE, message: "\(values.count) values for \(sqlite3_bind_parameter_count(statement)) parameters")
        }
        for (offset, value) in values.enumerated() {
            let status = value.sqlValue.bind(to: statement, at: Int32(offset + 1))
            guard status == SQLITE_OK else { throw SQLiteError(status: status, handle: handle) }
        }
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW: row(statement)
            case SQLITE_DONE: return
            case let status: throw SQLiteError(status: status, handle: handle)
            }
        }
    }
}

/// An error SQLite returned: its (extended) result code and message.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(status: Int32, handle: OpaquePointer?) {
        let message = handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(status))
        self.init(code: status, message: message)
    }

    public var description: String { "SQLite error \(code): \(message)" }
}
