import Foundation

/// Encodes wire values to JSON bytes with the output of Foundation's `JSONEncoder` under `[.sortedKeys,
/// .withoutEscapingSlashes]` (keys in byte order, `/` unescaped, non-ASCII as UTF-8), at a fraction of its cost.
///
/// Foundation's encoder boxes every value into a tree of generic enums and probes each for Date, Data, URL and
/// dictionary special cases; for a listing of 1000 entries that was most of the time the page took. Here scalars
/// are written as bytes at once, and only objects keep their members until they can be sorted.
struct WireJSONEncoder {
    func encode(_ value: some Encodable) throws -> [UInt8] {
        let root = JSONSlot()
        try WireEncoder(slot: root, codingPath: []).encodeValue(value)
        var out: [UInt8] = []
        out.reserveCapacity(256)
        root.write(to: &out)
        return out
    }
}

/// Where one value's JSON goes: written bytes, or an object or array still being filled.
final class JSONSlot {
    enum Content {
        case empty
        case bytes([UInt8])
        case object(JSONObject)
        case array(JSONArray)
    }

    var content = Content.empty

    func write(to out: inout [UInt8]) {
        switch content {
        case .empty: out.append(contentsOf: "null".utf8)
        case .bytes(let bytes): out.append(contentsOf: bytes)
        case .object(let object): object.write(to: &out)
        case .array(let array): array.write(to: &out)
        }
    }
}

final class JSONObject {
    var members: [(key: String, slot: JSONSlot)] = []

    /// The slot of `key`; encoding a key twice replaces the first value, as Foundation does.
    func slot(for key: String) -> JSONSlot {
        if let existing = members.first(where: { $0.key == key }) {
            existing.slot.content = .empty
            return existing.slot
        }
        let slot = JSONSlot()
        members.append((key, slot))
        return slot
    }

    func write(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for member in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONText.writeString(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            member.slot.write(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}

final class JSONArray {
    var elements: [JSONSlot] = []

    func write(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            element.write(to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }
}

enum JSONText {
    static let hex = Array("0123456789abcdef".utf8)

    static func writeString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func string(_ string: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count + 2)
        writeString(string, to: &out)
        return out
    }

    static func number(_ value: Double, codingPath: [any CodingKey]) throws -> [UInt8] {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "\(value) is not valid in JSON."))
        }
        if value == value.rounded(), abs(value) < 1e15 { return Array(String(Int64(value)).utf8) }
        return Array(String(value).utf8)
    }
}

private struct WireEncoder: Encoder {
    let slot: JSONSlot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: JSONObject
        if case .object(let existing) = slot.content {
            object = existing
        } else {
            object = JSONObject()
            slot.content = .object(object)
        }
        return KeyedEncodingContainer(WireKeyed<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: JSONArray
        if case .array(let existing) = slot.content {
            array = existing
        } else {
            array = JSONArray()
            slot.content = .array(array)
        }
        return WireUnkeyed(array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { WireSingle(slot: slot, codingPath: codingPath) }

    /// The types Foundation's encoder treats specially under its default strategies, then everything else.
    func encodeValue(_ value: some Encodable) throws {
        switch value {
        case let string as String: slot.content = .bytes(JSONText.string(string))
        case let number as Int: slot.content = .bytes(Array(String(number).utf8))
        case let number as Int64: slot.content = .bytes(Array(String(number).utf8))
        case let flag as Bool: slot.content = .bytes(Array((flag ? "true" : "false").utf8))
        case let url as URL: slot.content = .bytes(JSONText.string(url.absoluteString))
        case let data as Data: slot.content = .bytes(JSONText.string(data.base64EncodedString()))
        case let date as Date:
            slot.content = .bytes(try JSONText.number(date.timeIntervalSinceReferenceDate, codingPath: codingPath))
        case let decimal as Decimal: slot.content = .bytes(Array(decimal.description.utf8))
        default:
            try value.encode(to: self)
            // A value that encoded nothing is an empty object, as with Foundation.
            if case .empty = slot.content { slot.content = .object(JSONObject()) }
        }
    }
}

private struct WireKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: JSONObject
    let codingPath: [any CodingKey]

    private func put(_ bytes: [UInt8], _ key: Key) { object.slot(for: key.stringValue).content = .bytes(bytes) }

    mutating func encodeNil(forKey key: Key) throws { put(Array("null".utf8), key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(Array((value ? "true" : "false").utf8), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(JSONText.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        put(try JSONText.number(value, codingPath: codingPath + [key]), key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        put(try JSONText.number(Double(value), codingPath: codingPath + [key]), key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(Array(String(value).utf8), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(Array(String(value).utf8), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(Array(String(value).utf8), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(Array(String(value).utf8), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(Array(String(value).utf8), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(Array(String(value).utf8), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(Array(String(value).utf8), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(Array(String(value).utf8), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(Array(String(value).utf8), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(Array(String(value).utf8), key) }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        try WireEncoder(slot: object.slot(for: key.stringValue), codingPath: codingPath + [key]).encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        WireEncoder(slot: object.slot(for: key.stringValue), codingPath: codingPath + [key]).container(
            keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        WireEncoder(slot: object.slot(for: key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        WireEncoder(slot: object.slot(for: "super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        WireEncoder(slot: object.slot(for: key.stringValue), codingPath: codingPath + [key])
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct WireUnkeyed: UnkeyedEncodingContainer {
    let array: JSONArray
    let codingPath: [any CodingKey]
    var count: Int { array.elements.count }

    private func next() -> JSONSlot {
        let slot = JSONSlot()
        array.elements.append(slot)
        return slot
    }

    private func put(_ bytes: [UInt8]) { next().content = .bytes(bytes) }

    mutating func encodeNil() throws { put(Array("null".utf8)) }
    mutating func encode(_ value: Bool) throws { put(Array((value ? "true" : "false").utf8)) }
    mutating func encode(_ value: String) throws { put(JSONText.string(value)) }
    mutating func encode(_ value: Double) throws { put(try JSONText.number(value, codingPath: codingPath)) }
    mutating func encode(_ value: Float) throws { put(try JSONText.number(Double(value), codingPath: codingPath)) }
    mutating func encode(_ value: Int) throws { put(Array(String(value).utf8)) }
    mutating func encode(_ value: Int64) throws { put(Array(String(value).utf8)) }
    mutating func encode(_ value: Int8) throws { put(Array(String(value).utf8)) }
    mutating func encode(_ value: Int16) throws { put(Array(String(value).utf8)) }
    mutating func encode(_ value: Int32) throws { put(Array(String(value).utf8)) }
    mutating func encode(_ value: UInt) throws { put(Array(String(value).utf8)) }
    mutating func encode(_ value: UInt8) throws { put(Array(String(value).utf8)) }
    mutating func encode(_ value: UInt16) throws { put(Array(String(value).utf8)) }
    mutating func encode(_ value: UInt32) throws { put(Array(String(value).utf8)) }
    mutating func encode(_ value: UInt64) throws { put(Array(String(value).utf8)) }

    mutating func encode(_ value: some Encodable) throws {
        try WireEncoder(slot: next(), codingPath: codingPath + [IndexKey(count)]).encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        WireEncoder(slot: next(), codingPath: codingPath + [IndexKey(count)]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        WireEncoder(slot: next(), codingPath: codingPath + [IndexKey(count)]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        WireEncoder(slot: next(), codingPath: codingPath + [IndexKey(count)])
    }
}

private struct WireSingle: SingleValueEncodingContainer {
    let slot: JSONSlot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.content = .bytes(Array("null".utf8)) }
    mutating func encode(_ value: Bool) throws { slot.content = .bytes(Array((value ? "true" : "false").utf8)) }
    mutating func encode(_ value: String) throws { slot.content = .bytes(JSONText.string(value)) }
    mutating func encode(_ value: Double) throws {
        slot.content = .bytes(try JSONText.number(value, codingPath: codingPath))
    }
    mutating func encode(_ value: Float) throws {
        slot.content = .bytes(try JSONText.number(Double(value), codingPath: codingPath))
    }
    mutating func encode(_ value: Int) throws { slot.content = .bytes(Array(String(value).utf8)) }
    mutating func encode(_ value: Int64) throws { slot.content = .bytes(Array(String(value).utf8)) }
    mutating func encode(_ value: UInt64) throws { slot.content = .bytes(Array(String(value).utf8)) }
    mutating func encode(_ value: Int8) throws { slot.content = .bytes(Array(String(value).utf8)) }
    mutating func encode(_ value: Int16) throws { slot.content = .bytes(Array(String(value).utf8)) }
    mutating func encode(_ value: Int32) throws { slot.content = .bytes(Array(String(value).utf8)) }
    mutating func encode(_ value: UInt) throws { slot.content = .bytes(Array(String(value).utf8)) }
    mutating func encode(_ value: UInt8) throws { slot.content = .bytes(Array(String(value).utf8)) }
    mutating func encode(_ value: UInt16) throws { slot.content = .bytes(Array(String(value).utf8)) }
    mutating func encode(_ value: UInt32) throws { slot.content = .bytes(Array(String(value).utf8)) }

    mutating func encode(_ value: some Encodable) throws {
        try WireEncoder(slot: slot, codingPath: codingPath).encodeValue(value)
    }
}
