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
        out.append(contentsOf: String(value).utf8)
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
