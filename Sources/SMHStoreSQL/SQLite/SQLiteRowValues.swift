import Foundation
import SQLKit
import VaporCSQLite

extension SQLResultColumns {
    /// The columns of a prepared SQLite statement.
    convenience init(_ statement: OpaquePointer) {
        let count = sqlite_nio_sqlite3_column_count(statement)
        self.init(
            names: (0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }, firstWins: true)
    }
}

/// One value as SQLite stores it.
enum SQLiteValue: Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// A result row copied out of the statement, decoded by column name with fast paths for the types the store reads.
struct SQLiteRowValues: SQLRow, PositionalSQLRow {
    let columns: SQLResultColumns
    let values: [SQLiteValue]

    init(columns: SQLResultColumns, statement: OpaquePointer) {
        self.columns = columns
        var values: [SQLiteValue] = []
        values.reserveCapacity(columns.names.count)
        for index in 0..<Int32(columns.names.count) {
            switch sqlite_nio_sqlite3_column_type(statement, index) {
            case SQLITE_INTEGER: values.append(.integer(sqlite_nio_sqlite3_column_int64(statement, index)))
            case SQLITE_FLOAT: values.append(.real(sqlite_nio_sqlite3_column_double(statement, index)))
            case SQLITE_TEXT:
                let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
                if let bytes = sqlite_nio_sqlite3_column_text(statement, index) {
                    values.append(
                        .text(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)))
                } else {
                    values.append(.text(""))
                }
            case SQLITE_BLOB:
                let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
                if let bytes = sqlite_nio_sqlite3_column_blob(statement, index), count > 0 {
                    values.append(.blob(Data(bytes: bytes, count: count)))
                } else {
                    values.append(.blob(Data()))
                }
            default: values.append(.null)
            }
        }
        self.values = values
    }

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.index(of: column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let index = columns.index(of: column) else { return true }
        if case .null = values[index] { return true }
        return false
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let index = columns.index(of: column) else {
            throw DecodingError.keyNotFound(
                SQLiteColumnKey(column), .init(codingPath: [], debugDescription: "No column \(column) in the row."))
        }
        return try decode(at: index, column: column, as: type)
    }

    /// The value at a known position (`column` names it in errors).
    func decode<D: Decodable>(at index: Int, column: String, as type: D.Type) throws -> D {
        let value = values[index]
        // The store reads these few types; comparing metadata skips the Decoder machinery for them.
        switch value {
        case .text(let text):
            if D.self == String.self { return unsafeBitCast(text, to: D.self) }
            if D.self == String?.self { return unsafeBitCast(String?.some(text), to: D.self) }
        case .integer(let number):
            if D.self == Int64.self { return unsafeBitCast(number, to: D.self) }
            if D.self == Int64?.self { return unsafeBitCast(Int64?.some(number), to: D.self) }
            if D.self == Int.self { return unsafeBitCast(Int(number), to: D.self) }
            if D.self == Int?.self { return unsafeBitCast(Int?.some(Int(number)), to: D.self) }
        case .null:
            if D.self == String?.self { return unsafeBitCast(String?.none, to: D.self) }
            if D.self == Int64?.self { return unsafeBitCast(Int64?.none, to: D.self) }
            if D.self == Int?.self { return unsafeBitCast(Int?.none, to: D.self) }
        default: break
        }
        return try D(from: SQLiteValueDecoder(value: value, column: column))
    }
}

struct SQLiteColumnKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Decodes one column value: integers, reals, text, booleans (0/1, as SQLite stores them), `Data`, and optionals
/// of those.
struct SQLiteValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: SQLiteValue
    let column: String

    var codingPath: [any CodingKey] { [SQLiteColumnKey(column)] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw mismatch(Dictionary<String, String>.self)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw mismatch(Array<Int>.self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool {
        if case .null = value { return true }
        return false
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        switch value {
        case .integer(let number): return number != 0
        case .real(let number): return number != 0
        case .text(let text) where text == "true" || text == "1": return true
        case .text(let text) where text == "false" || text == "0": return false
        default: throw mismatch(type)
        }
    }

    func decode(_ type: String.Type) throws -> String {
        switch value {
        case .text(let text): return text
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        case .blob(let data): return String(decoding: data, as: UTF8.self)
        case .null: throw mismatch(type)
        }
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value {
        case .real(let number): return number
        case .integer(let number): return Double(number)
        case .text(let text): if let number = Double(text) { return number }
        default: break
        }
        throw mismatch(type)
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        switch value {
        case .integer(let number): if let exact = I(exactly: number) { return exact }
        case .real(let number): if let exact = I(exactly: number) { return exact }
        case .text(let text): if let parsed = I(text) { return parsed }
        default: break
        }
        throw mismatch(type)
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if type == Data.self {
            switch value {
            case .blob(let data): return data as! T
            case .text(let text): return Data(text.utf8) as! T
            default: throw mismatch(type)
            }
        }
        return try T(from: self)
    }

    private func mismatch(_ type: Any.Type) -> DecodingError {
        .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Column \(column) holds \(value)."))
    }
}
