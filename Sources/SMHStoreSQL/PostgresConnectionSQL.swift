import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit

/// sql-kit's view of one PostgreSQL connection, with rows the store can read by position.
///
/// PostgresKit's own rows decode every value through its general translation layer (coding paths, protocol
/// casts) and look each column up by name: decoding a listing page of 1,000 nodes took 70 % of the server's time
/// on PostgreSQL. Values of the types the store reads go straight to postgres-nio's decoders here; anything else
/// — and any bind or value the fast path does not know — goes through PostgresKit exactly as before.
struct PostgresConnectionSQL: SQLDatabase {
    let connection: PostgresConnection
    let logger: Logger
    /// Set for reads outside transactions: statements run as named prepared statements (`PreparedRead`), named here.
    var preparedNames: PreparedStatementNames? = nil

    var eventLoop: any EventLoop { connection.eventLoop }
    var dialect: any SQLDialect { PostgresDialect() }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
        -> EventLoopFuture<Void>
    {
        let (sql, binds) = serialize(query)
        do {
            return unnamed(sql, try nativeBindings(binds), query, onRow)
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        let native = try nativeBindings(binds)
        guard let preparedNames, let native, let name = preparedNames.name(sql: sql, types: native.types) else {
            return try await unnamed(sql, native, query, onRow).get()
        }
        let columns = PostgresResultColumns()
        do {
            try await PreparedRead.$identity.withValue(PreparedRead.Identity(name: name, sql: sql)) {
                let rows = try await connection.execute(PreparedRead(bindings: native.bindings), logger: logger)
                for try await row in rows {
                    onRow(PostgresRowValues(row: row, columns: columns.of(row)))
                }
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "0A000" {
            // The schema changed under the prepared statement (`PreparedRead`): new names, and this call unnamed.
            preparedNames.renew()
            try await unnamed(sql, native, query, onRow).get()
        }
    }

    /// The statement as an unnamed one (parsed and planned by the server at each call).
    private func unnamed(
        _ sql: String, _ native: NativeBindings?, _ query: any SQLExpression,
        _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) -> EventLoopFuture<Void> {
        guard let native else {
            // A bind postgres-nio cannot encode by itself: PostgresKit's database handles the whole statement.
            return connection.sql(queryLogLevel: nil, logger: logger).execute(sql: query, onRow)
        }
        let columns = PostgresResultColumns()
        return connection.query(PostgresQuery(unsafeSQL: sql, binds: native.bindings), logger: logger) { row in
            onRow(PostgresRowValues(row: row, columns: columns.of(row)))
        }.map { _ in }
    }

    struct NativeBindings {
        var bindings: PostgresBindings
        var types: [PostgresDataType]
    }

    /// The binds in postgres-nio's own encoding, with their types; nil when one of them has none.
    private func nativeBindings(_ binds: [any Encodable & Sendable]) throws -> NativeBindings? {
        var native = NativeBindings(bindings: PostgresBindings(capacity: binds.count), types: [])
        native.types.reserveCapacity(binds.count)
        for bind in binds {
            if isNone(bind) {
                native.bindings.appendNull()
                native.types.append(.null)
            } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                try native.bindings.append(value, context: .default)
                native.types.append(value.psqlType)
            } else {
                return nil
            }
        }
        return native
    }

    private func isNone(_ value: any Encodable & Sendable) -> Bool {
        (value as? any OptionalValue)?.isNone ?? false
    }
}

private protocol OptionalValue {
    var isNone: Bool { get }
}

extension Optional: OptionalValue {
    var isNone: Bool { self == nil }
}

/// The column names of one result, resolved on its first row and shared by the rest (rows arrive one after the
/// other on the connection's event loop).
final class PostgresResultColumns: @unchecked Sendable {
    private let lock = NIOLock()
    private var resolved: SQLResultColumns?

    func of(_ row: PostgresRow) -> SQLResultColumns {
        lock.withLock {
            if let resolved { return resolved }
            let columns = SQLResultColumns(names: row.map(\.columnName), firstWins: false)
            resolved = columns
            return columns
        }
    }
}

/// One PostgreSQL result row.
struct PostgresRowValues: SQLRow, PositionalSQLRow {
    let row: PostgresRow
    let cells: PostgresRandomAccessRow
    let columns: SQLResultColumns

    init(row: PostgresRow, columns: SQLResultColumns) {
        self.row = row
        self.cells = PostgresRandomAccessRow(row)
        self.columns = columns
    }

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.index(of: column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let index = columns.index(of: column) else { return true }
        return cells[index].bytes == nil
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let index = columns.index(of: column) else { return try row.sql().decode(column: column, as: type) }
        return try decode(at: index, column: column, as: type)
    }

    /// postgres-nio's own decoder for the store's usual types (PostgresKit takes the same path for them, after its
    /// generic checks); everything else, and any value that does not decode this way, through PostgresKit.
    func decode<D: Decodable>(at index: Int, column: String, as type: D.Type) throws -> D {
        let cell = cells[index]
        if !cell.dataType.isUserDefined {
            do {
                switch type {
                case is String.Type: return try cell.decode(String.self) as! D
                case is String?.Type: return try cell.decode(String?.self) as! D
                case is Int64.Type: return try cell.decode(Int64.self) as! D
                case is Int64?.Type: return try cell.decode(Int64?.self) as! D
                case is Int.Type: return try cell.decode(Int.self) as! D
                case is Int?.Type: return try cell.decode(Int?.self) as! D
                case is Bool.Type: return try cell.decode(Bool.self) as! D
                default: break
                }
            } catch {
                // Fall through: PostgresKit decides, with its own conversions and error.
            }
        }
        return try row.sql().decode(column: column, as: type)
    }
}
