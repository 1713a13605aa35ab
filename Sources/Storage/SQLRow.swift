import CSQLite

/// One row a statement returned: its values, read by column name.
public struct SQLRow: Sendable {
    /// The column names of a statement's rows, shared by all of them.
    final class Columns: Sendable {
        let names: [String]

        init(_ statement: OpaquePointer) {
            names = (0..<sqlite3_column_count(statement)).map { sqlite3_column_name(statement, $0).map { String(cString: $0) } ?? "" }
        }
    }

    private let columns: Columns
    private let values: [SQLValue]

    init(_ statement: OpaquePointer, columns: Columns) {
        self.columns = columns
        values = (0..<Int32(columns.names.count)).map { SQLValue(statement, column: $0) }
    }

    /// The value of a column; throws when the row has no such column.
    public func value(_ column: String) throws(SQLiteError) -> SQLValue {
        guard let index = columns.names.firstIndex(of: column) else {
            throw SQLiteError(code: SQLITE_RANGE, message: "no column named \(column)")
        }
        return values[index]
    }

    public func string(_ column: String) throws(SQLiteError) -> String {
        guard let value = try optionalString(column) else { throw Self.mismatch(column, "text") }
        return value
    }

    public func optionalString(_ column: String) throws(SQLiteError) -> String? {
        switch try value(column) {
        case .null: return nil
        case .text(let text): return text
        default: throw Self.mismatch(column, "text")
        }
    }

    public func double(_ column: String) throws(SQLiteError) -> Double {
        guard let value = try optionalDouble(column) else { throw Self.mismatch(column, "a number") }
        return value
    }

    public func optionalDouble(_ column: String) throws(SQLiteError) -> Double? {
        switch try value(column) {
        case .null: return nil
        case .real(let number): return number
        case .integer(let number): return Double(number)
        default: throw Self.mismatch(column, "a number")
        }
    }

    public func int64(_ column: String) throws(SQLiteError) -> Int64 {
        guard case .integer(let number) = try value(column) else { throw Self.mismatch(column, "an integer") }
        return number
    }

    public func bool(_ column: String) throws(SQLiteError) -> Bool {
        try int64(column) != 0
    }

    public func bytes(_ column: String) throws(SQLiteError) -> [UInt8] {
        guard let value = try optionalBytes(column) else { throw Self.mismatch(column, "a blob") }
        return value
    }

    public func optionalBytes(_ column: String) throws(SQLiteError) -> [UInt8]? {
        switch try value(column) {
        case .null: return nil
        case .blob(let bytes): return bytes
        default: throw Self.mismatch(column, "a blob")
        }
    }

    private static func mismatch(_ column: String, _ expected: String) -> SQLiteError {
        SQLiteError(code: SQLITE_MISMATCH, message: "column \(column) does not hold \(expected)")
    }
}
