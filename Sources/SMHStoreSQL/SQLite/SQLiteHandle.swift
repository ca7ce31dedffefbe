import Foundation
import SQLKit
import SQLiteKit
import VaporCSQLite

/// One SQLite connection, driven synchronously on the calling thread, with its prepared statements cached by SQL
/// text.
///
/// SQLiteNIO hops to a thread pool for every statement and back to an event loop for every row; for the point reads
/// a request makes (microseconds each) those hops were most of the cost. The backend gives a handle to one task at a
/// time (a reader from the pool, or the writer), so the handle needs no lock of its own (`SQLITE_OPEN_NOMUTEX`). The
/// C library is the one SQLiteNIO vendors, so the process never holds two copies of SQLite's file-lock tables.
final class SQLiteHandle: @unchecked Sendable {
    private var db: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    /// The result columns of each cached statement, named once (rows look columns up by name).
    private var columnsByStatement: [OpaquePointer: SQLResultColumns] = [:]
    let path: String

    static let maxCachedStatements = 512

    init(path: String, readOnly: Bool) throws {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
            if let handle { sqlite_nio_sqlite3_close_v2(handle) }
            throw SQLiteFailure(code: status, message: "cannot open \(path): \(message)")
        }
        db = handle
        sqlite_nio_sqlite3_extended_result_codes(handle, 1)
        // Another process (the CLI on the same data folder) may hold the write lock for a moment.
        sqlite_nio_sqlite3_busy_timeout(handle, 10_000)
        try exec("PRAGMA foreign_keys=ON")
        if readOnly {
            // A reader that tried to write would be a bug; make it a loud one.
            try exec("PRAGMA query_only=ON")
        }
    }

    deinit { close() }

    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements.removeAll()
        columnsByStatement.removeAll()
        if let db { sqlite_nio_sqlite3_close_v2(db) }
        db = nil
    }

    /// Whether a transaction is open (SQLite ends one by itself after some errors).
    var inTransaction: Bool {
        guard let db else { return false }
        return sqlite_nio_sqlite3_get_autocommit(db) == 0
    }

    /// Runs one statement without binds or results (pragmas, BEGIN/COMMIT).
    func exec(_ sql: String) throws {
        try execute(sql, binds: []) { _ in }
    }

    /// Prepares (or reuses) `sql`, binds, steps through every row.
    func execute(_ sql: String, binds: [any Encodable & Sendable], onRow: (SQLiteRowValues) -> Void) throws {
        guard let db else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "the connection is closed") }
        let statement = try prepared(sql, db: db)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (index, value) in binds.enumerated() {
            try bind(value, at: Int32(index + 1), statement: statement, db: db)
        }
        var columns: SQLResultColumns?
        while true {
            let step = sqlite_nio_sqlite3_step(statement)
            if step == SQLITE_DONE { return }
            guard step == SQLITE_ROW else { throw failure(step, db: db, sql: sql) }
            if columns == nil { columns = self.columns(of: statement) }
            onRow(SQLiteRowValues(columns: columns!, statement: statement))
        }
    }

    /// A schema change (a migration run by another process) re-prepares the statement and may change `SELECT *`.
    private func columns(of statement: OpaquePointer) -> SQLResultColumns {
        if let known = columnsByStatement[statement], known.names.count == sqlite_nio_sqlite3_column_count(statement) {
            return known
        }
        let columns = SQLResultColumns(statement)
        columnsByStatement[statement] = columns
        return columns
    }

    private func prepared(_ sql: String, db: OpaquePointer) throws -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status, db: db, sql: sql) }
        if statements.count >= Self.maxCachedStatements {
            for cached in statements.values { sqlite_nio_sqlite3_finalize(cached) }
            statements.removeAll(keepingCapacity: true)
            columnsByStatement.removeAll(keepingCapacity: true)
        }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: any Encodable, at index: Int32, statement: OpaquePointer, db: OpaquePointer)
        throws
    {
        let status: Int32
        switch value {
        case let text as String:
            status = sqlite_nio_sqlite3_bind_text(statement, index, text, -1, sqliteTransient)
        case let number as Int64:
            status = sqlite_nio_sqlite3_bind_int64(statement, index, number)
        case let number as Int:
            status = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
        case let number as Int32:
            status = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
        case let flag as Bool:
            status = sqlite_nio_sqlite3_bind_int64(statement, index, flag ? 1 : 0)
        case let number as Double:
            status = sqlite_nio_sqlite3_bind_double(statement, index, number)
        case let text as Substring:
            status = sqlite_nio_sqlite3_bind_text(statement, index, String(text), -1, sqliteTransient)
        case let optional as any OptionalBind:
            guard let wrapped = optional.wrappedBind else {
                status = sqlite_nio_sqlite3_bind_null(statement, index)
                break
            }
            return try bind(wrapped, at: index, statement: statement, db: db)
        case let data as Data:
            status = data.withUnsafeBytes {
                sqlite_nio_sqlite3_bind_blob64(
                    statement, index, $0.baseAddress, sqlite3_uint64($0.count), sqliteTransient)
            }
        default:
            // Anything else goes through SQLiteKit's encoder (the same rules the SQLiteNIO path used).
            switch try SQLiteDataEncoder().encode(value) {
            case .integer(let number): status = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
            case .float(let number): status = sqlite_nio_sqlite3_bind_double(statement, index, number)
            case .text(let text):
                status = sqlite_nio_sqlite3_bind_text(statement, index, text, -1, sqliteTransient)
            case .blob(let buffer):
                status = buffer.withUnsafeReadableBytes {
                    sqlite_nio_sqlite3_bind_blob64(
                        statement, index, $0.baseAddress, sqlite3_uint64($0.count), sqliteTransient)
                }
            case .null: status = sqlite_nio_sqlite3_bind_null(statement, index)
            }
        }
        guard status == SQLITE_OK else { throw failure(status, db: db, sql: "bind \(index)") }
    }

    private func failure(_ code: Int32, db: OpaquePointer, sql: String) -> SQLiteFailure {
        SQLiteFailure(code: code, message: String(cString: sqlite_nio_sqlite3_errmsg(db)) + " (in: \(sql.prefix(200)))")
    }
}

/// `SQLITE_TRANSIENT`: SQLite copies the bound bytes before the call returns.
let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// An error SQLite reported, with its (extended) result code.
public struct SQLiteFailure: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public var description: String { "SQLite error \(code): \(message)" }
}

/// `Optional` seen through `any Encodable`: lets a bind tell `nil` from a value without reflection.
protocol OptionalBind {
    var wrappedBind: (any Encodable)? { get }
}

extension Optional: OptionalBind where Wrapped: Encodable {
    var wrappedBind: (any Encodable)? { self }
}
