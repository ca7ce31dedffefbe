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

    /// The store's usual types read straight from the cell's binary bytes (the format postgres-nio asks for);
    /// everything else — another format or type, a NULL where none may be — through postgres-nio's decoder, and
    /// failing that through PostgresKit, with their conversions and errors. A listing page reads 23 columns of a
    /// thousand rows: the generic decoders and the dynamic casts around them were a quarter of its time.
    func decode<D: Decodable>(at index: Int, column: String, as type: D.Type) throws -> D {
        let cell = cells[index]
        if cell.format == .binary, let usual = UsualType(type),
            let value = Self.direct(cell.bytes, cell.dataType, as: usual)
        {
            // `usual` is `D` itself (metatype identity), so these casts are no-ops.
            switch value {
            case .string(let value): return unsafeBitCast(value, to: D.self)
            case .optionalString(let value): return unsafeBitCast(value, to: D.self)
            case .int64(let value): return unsafeBitCast(value, to: D.self)
            case .optionalInt64(let value): return unsafeBitCast(value, to: D.self)
            case .int(let value): return unsafeBitCast(value, to: D.self)
            case .optionalInt(let value): return unsafeBitCast(value, to: D.self)
            case .bool(let value): return unsafeBitCast(value, to: D.self)
            }
        }
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

    /// The types read directly, found by metatype identity: comparing a generic `D` this way costs no dynamic cast
    /// and instantiates no `Optional<D>` metadata, which unspecialised generic code pays for on every call.
    enum UsualType {
        case string, optionalString, int64, optionalInt64, int, optionalInt, bool

        private static let identities: [(ObjectIdentifier, UsualType)] = [
            (ObjectIdentifier(String.self), .string), (ObjectIdentifier(Int64.self), .int64),
            (ObjectIdentifier(String?.self), .optionalString), (ObjectIdentifier(Int64?.self), .optionalInt64),
            (ObjectIdentifier(Int.self), .int), (ObjectIdentifier(Int?.self), .optionalInt),
            (ObjectIdentifier(Bool.self), .bool),
        ]

        init?(_ type: Any.Type) {
            let identity = ObjectIdentifier(type)
            guard let found = Self.identities.first(where: { $0.0 == identity }) else { return nil }
            self = found.1
        }
    }

    enum DirectValue: Equatable {
        case string(String), optionalString(String?), int64(Int64), optionalInt64(Int64?), int(Int)
        case optionalInt(Int?), bool(Bool)
    }

    /// `bytes` (nil for NULL) of a binary cell of `dataType` as `usual`, when the column's type is the one it maps
    /// to and the value fits; nil otherwise (the general decoders then decide, and throw where they must).
    static func direct(_ bytes: ByteBuffer?, _ dataType: PostgresDataType, as usual: UsualType) -> DirectValue? {
        switch usual {
        case .string, .optionalString:
            guard dataType == .text || dataType == .varchar else { return nil }
            guard let bytes else { return usual == .optionalString ? .optionalString(nil) : nil }
            let value = String(buffer: bytes)
            return usual == .string ? .string(value) : .optionalString(value)
        case .int64, .optionalInt64, .int, .optionalInt:
            let value: Int64?
            if let bytes {
                switch (dataType, bytes.readableBytes) {
                case (.int8, 8): value = bytes.getInteger(at: bytes.readerIndex, as: Int64.self)
                case (.int4, 4): value = bytes.getInteger(at: bytes.readerIndex, as: Int32.self).map(Int64.init)
                case (.int2, 2): value = bytes.getInteger(at: bytes.readerIndex, as: Int16.self).map(Int64.init)
                default: return nil
                }
            } else {
                guard dataType == .int8 || dataType == .int4 || dataType == .int2 else { return nil }
                value = nil
            }
            switch usual {
            case .int64: return value.map { .int64($0) }
            case .optionalInt64: return .optionalInt64(value)
            case .int: return value.map { .int(Int($0)) }
            default: return .optionalInt(value.map { Int($0) })
            }
        case .bool:
            guard dataType == .bool, let bytes, bytes.readableBytes == 1,
                let byte = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self)
            else { return nil }
            return .bool(byte != 0)
        }
    }
}
