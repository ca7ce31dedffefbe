import SMHCore

/// A wire type that writes its own JSON bytes, exactly as its `Encodable` conformance would come out of the wire
/// encoder (keys in byte order). For the answers a page repeats a thousand times; `WireJSONEncoder` uses it when a
/// value offers it, and a test holds each conformance equal to the `Encodable` output.
protocol JSONWritable {
    func writeJSON(to out: inout [UInt8])
}

/// Writes one object's members in the order given, with the commas between them.
struct JSONObjectWriter {
    private var first = true

    mutating func key(_ name: StaticString, _ out: inout [UInt8]) {
        out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        first = false
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    mutating func string(_ name: StaticString, _ value: String, _ out: inout [UInt8]) {
        key(name, &out)
        JSONText.writeString(value, to: &out)
    }

    mutating func bool(_ name: StaticString, _ value: Bool, _ out: inout [UInt8]) {
        key(name, &out)
        out.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func integer(_ name: StaticString, _ value: some BinaryInteger, _ out: inout [UInt8]) {
        key(name, &out)
        // Every caller passes Int or Int64; a wider unsigned value must not trap on the way.
        guard let value = Int64(exactly: value) else { return out.append(contentsOf: String(value).utf8) }
        JSONText.writeDecimal(value, to: &out)
    }

    /// An integer written as a JSON string (`"size": "4096"`).
    mutating func decimalString(_ name: StaticString, _ value: Int64, _ out: inout [UInt8]) {
        key(name, &out)
        out.append(UInt8(ascii: "\""))
        JSONText.writeDecimal(value, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// A time in its one wire form (`Timestamp.iso8601`), quoted.
    mutating func time(_ name: StaticString, _ value: Timestamp, _ out: inout [UInt8]) {
        key(name, &out)
        out.append(UInt8(ascii: "\""))
        value.writeISO8601(to: &out)
        out.append(UInt8(ascii: "\""))
    }

    mutating func strings(_ name: StaticString, _ values: [String], _ out: inout [UInt8]) {
        key(name, &out)
        JSONText.writeStrings(values, to: &out)
    }

    /// `previewAsIcon`, `previewByCI`, `previewByDoc` (adjacent in key order): the JSON of `encodeFileKind`'s flags.
    mutating func previewFlags(media: Bool, _ out: inout [UInt8]) {
        bool("previewAsIcon", media, &out)
        bool("previewByCI", media, &out)
        bool("previewByDoc", false, &out)
    }

    func end(_ out: inout [UInt8]) {
        if first { out.append(UInt8(ascii: "{")) }
        out.append(UInt8(ascii: "}"))
    }
}

extension JSONText {
    /// The decimal digits of `value`, as `String(value)` spells them, without making the string.
    static func writeDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            // Int64.min has no positive counterpart: its digits come from the string.
            guard value != .min else { return out.append(contentsOf: String(value).utf8) }
            out.append(UInt8(ascii: "-"))
        }
        var rest = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: Int64 has at most 19 digits.
        withUnsafeMutableBytes(of: &digits) { buffer in
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: buffer[start...])
        }
    }

    static func writeStrings(_ values: [String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            writeString(value, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A string dictionary as an object, keys in byte order.
    static func writeStringMap(_ map: [String: String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, key) in map.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            writeString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            writeString(map[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}
