import Foundation

/// Encodes wire values to JSON bytes with the output of Foundation's `JSONEncoder` under `[.sortedKeys,
/// .withoutEscapingSlashes]` (keys in byte order, `/` unescaped, non-ASCII as UTF-8), at a fraction of its cost.
///
/// Foundation's encoder boxes every value into a tree of generic enums and probes each for Date, Data, URL and
/// dictionary special cases; for a listing of 1000 entries that was most of the time the page took. Here scalars are
/// written once into one byte arena, objects keep only their keys and where each value lies, and the answer is
/// assembled in key order at the end. Coding paths are not tracked (no wire type fails to encode).
struct WireJSONEncoder {
    func encode(_ value: some Encodable) throws -> [UInt8] {
        if let writable = value as? any JSONWritable {
            var out: [UInt8] = []
            out.reserveCapacity(4096)
            writable.writeJSON(to: &out)
            return out
        }
        let document = JSONDocument()
        let root = JSONArray()
        root.values.append(.empty)
        try WireEncoder(document: document, target: .element(root, 0)).encodeValue(value)
        var out: [UInt8] = []
        out.reserveCapacity(document.arena.count + 64)
        document.write(root.values[0], to: &out)
        return out
    }
}

/// A value's place in the document: bytes in the arena, or a container still being filled.
enum JSONValue {
    case empty
    case bytes(start: Int, end: Int)
    case object(JSONObject)
    case array(JSONArray)
}

final class JSONObject {
    var keys: [String] = []
    var values: [JSONValue] = []
}

final class JSONArray {
    var values: [JSONValue] = []
}

final class JSONDocument {
    var arena: [UInt8] = []

    init() { arena.reserveCapacity(4096) }

    /// Appends bytes through `body` and returns where they lie.
    func scalar(_ body: (inout [UInt8]) -> Void) -> JSONValue {
        let start = arena.count
        body(&arena)
        return .bytes(start: start, end: arena.count)
    }

    func string(_ value: String) -> JSONValue { scalar { JSONText.writeString(value, to: &$0) } }
    func literal(_ value: StaticString) -> JSONValue {
        scalar { out in value.withUTF8Buffer { out.append(contentsOf: $0) } }
    }
    func integer(_ value: some BinaryInteger) -> JSONValue { scalar { $0.append(contentsOf: String(value).utf8) } }
    func bool(_ value: Bool) -> JSONValue { literal(value ? "true" : "false") }
    func double(_ value: Double) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "\(value) is not valid in JSON."))
        }
        if value == value.rounded(), abs(value) < 1e15 { return integer(Int64(value)) }
        return scalar { $0.append(contentsOf: String(value).utf8) }
    }

    func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .empty: out.append(contentsOf: "null".utf8)
        case .bytes(let start, let end): out.append(contentsOf: arena[start..<end])
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            // Byte order of the keys; a key encoded twice keeps its last value, as with Foundation.
            let order = object.keys.indices.sorted {
                let (a, b) = (object.keys[$0], object.keys[$1])
                return a == b ? $0 < $1 : a.utf8.lexicographicallyPrecedes(b.utf8)
            }
            var first = true
            for (position, index) in order.enumerated() {
                if position + 1 < order.count, object.keys[order[position + 1]] == object.keys[index] { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                JSONText.writeString(object.keys[index], to: &out)
                out.append(UInt8(ascii: ":"))
                write(object.values[index], to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let array):
            out.append(UInt8(ascii: "["))
            for (index, element) in array.values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }
}

enum JSONText {
    static let hex = Array("0123456789abcdef".utf8)

    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    static func writeString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // Most strings need no escape at all: one copy.
            guard bytes.contains(where: needsEscape) else {
                out.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                case 0..<0x20:
                    out.append(contentsOf: [
                        UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    ])
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0x0F)])
                default: out.append(byte)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Where an encoder's value goes: a member of an object or an element of an array, by index.
enum JSONTarget {
    case member(JSONObject, Int)
    case element(JSONArray, Int)

    func set(_ value: JSONValue) {
        switch self {
        case .member(let object, let index): object.values[index] = value
        case .element(let array, let index): array.values[index] = value
        }
    }

    var current: JSONValue {
        switch self {
        case .member(let object, let index): return object.values[index]
        case .element(let array, let index): return array.values[index]
        }
    }
}

private struct WireEncoder: Encoder {
    let document: JSONDocument
    let target: JSONTarget
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let existing) = target.current {
            return KeyedEncodingContainer(WireKeyed<Key>(document: document, object: existing))
        }
        let object = JSONObject()
        target.set(.object(object))
        return KeyedEncodingContainer(WireKeyed<Key>(document: document, object: object))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let existing) = target.current { return WireUnkeyed(document: document, array: existing) }
        let array = JSONArray()
        target.set(.array(array))
        return WireUnkeyed(document: document, array: array)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { WireSingle(document: document, target: target) }

    /// The types Foundation's encoder treats specially under its default strategies, then everything else.
    func encodeValue(_ value: some Encodable) throws {
        if let scalar = try Self.scalar(value, document) {
            target.set(scalar)
            return
        }
        try value.encode(to: self)
        // A value that encoded nothing is an empty object, as with Foundation.
        if case .empty = target.current { target.set(.object(JSONObject())) }
    }

    static func scalar(_ value: some Encodable, _ document: JSONDocument) throws -> JSONValue? {
        switch value {
        case let string as String: return document.string(string)
        case let writable as any JSONWritable: return document.scalar { writable.writeJSON(to: &$0) }
        case let number as Int64: return document.integer(number)
        case let number as Int: return document.integer(number)
        case let flag as Bool: return document.bool(flag)
        case let url as URL: return document.string(url.absoluteString)
        case let data as Data: return document.string(data.base64EncodedString())
        case let date as Date: return try document.double(date.timeIntervalSinceReferenceDate)
        case let decimal as Decimal: return document.scalar { $0.append(contentsOf: decimal.description.utf8) }
        default: return nil
        }
    }
}

private struct WireKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let document: JSONDocument
    let object: JSONObject
    var codingPath: [any CodingKey] { [] }

    private func put(_ value: JSONValue, _ key: Key) {
        object.keys.append(key.stringValue)
        object.values.append(value)
    }

    private func slot(_ key: Key) -> JSONTarget {
        put(.empty, key)
        return .member(object, object.values.count - 1)
    }

    mutating func encodeNil(forKey key: Key) throws { put(document.literal("null"), key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(document.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(document.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(try document.double(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(try document.double(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(document.integer(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(document.integer(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(document.integer(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(document.integer(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(document.integer(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(document.integer(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(document.integer(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(document.integer(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(document.integer(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(document.integer(value), key) }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        if let scalar = try WireEncoder.scalar(value, document) {
            put(scalar, key)
        } else {
            try WireEncoder(document: document, target: slot(key)).encodeValue(value)
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        WireEncoder(document: document, target: slot(key)).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        WireEncoder(document: document, target: slot(key)).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        object.keys.append("super")
        object.values.append(.empty)
        return WireEncoder(document: document, target: .member(object, object.values.count - 1))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        WireEncoder(document: document, target: slot(key))
    }
}

private struct WireUnkeyed: UnkeyedEncodingContainer {
    let document: JSONDocument
    let array: JSONArray
    var codingPath: [any CodingKey] { [] }
    var count: Int { array.values.count }

    private func put(_ value: JSONValue) { array.values.append(value) }

    private func slot() -> JSONTarget {
        array.values.append(.empty)
        return .element(array, array.values.count - 1)
    }

    mutating func encodeNil() throws { put(document.literal("null")) }
    mutating func encode(_ value: Bool) throws { put(document.bool(value)) }
    mutating func encode(_ value: String) throws { put(document.string(value)) }
    mutating func encode(_ value: Double) throws { put(try document.double(value)) }
    mutating func encode(_ value: Float) throws { put(try document.double(Double(value))) }
    mutating func encode(_ value: Int) throws { put(document.integer(value)) }
    mutating func encode(_ value: Int8) throws { put(document.integer(value)) }
    mutating func encode(_ value: Int16) throws { put(document.integer(value)) }
    mutating func encode(_ value: Int32) throws { put(document.integer(value)) }
    mutating func encode(_ value: Int64) throws { put(document.integer(value)) }
    mutating func encode(_ value: UInt) throws { put(document.integer(value)) }
    mutating func encode(_ value: UInt8) throws { put(document.integer(value)) }
    mutating func encode(_ value: UInt16) throws { put(document.integer(value)) }
    mutating func encode(_ value: UInt32) throws { put(document.integer(value)) }
    mutating func encode(_ value: UInt64) throws { put(document.integer(value)) }

    mutating func encode(_ value: some Encodable) throws {
        if let scalar = try WireEncoder.scalar(value, document) {
            put(scalar)
        } else {
            try WireEncoder(document: document, target: slot()).encodeValue(value)
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        WireEncoder(document: document, target: slot()).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        WireEncoder(document: document, target: slot()).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { WireEncoder(document: document, target: slot()) }
}

private struct WireSingle: SingleValueEncodingContainer {
    let document: JSONDocument
    let target: JSONTarget
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { target.set(document.literal("null")) }
    mutating func encode(_ value: Bool) throws { target.set(document.bool(value)) }
    mutating func encode(_ value: String) throws { target.set(document.string(value)) }
    mutating func encode(_ value: Double) throws { target.set(try document.double(value)) }
    mutating func encode(_ value: Float) throws { target.set(try document.double(Double(value))) }
    mutating func encode(_ value: Int) throws { target.set(document.integer(value)) }
    mutating func encode(_ value: Int8) throws { target.set(document.integer(value)) }
    mutating func encode(_ value: Int16) throws { target.set(document.integer(value)) }
    mutating func encode(_ value: Int32) throws { target.set(document.integer(value)) }
    mutating func encode(_ value: Int64) throws { target.set(document.integer(value)) }
    mutating func encode(_ value: UInt) throws { target.set(document.integer(value)) }
    mutating func encode(_ value: UInt8) throws { target.set(document.integer(value)) }
    mutating func encode(_ value: UInt16) throws { target.set(document.integer(value)) }
    mutating func encode(_ value: UInt32) throws { target.set(document.integer(value)) }
    mutating func encode(_ value: UInt64) throws { target.set(document.integer(value)) }

    mutating func encode(_ value: some Encodable) throws {
        try WireEncoder(document: document, target: target).encodeValue(value)
    }
}
