/// Percent-decoding with the leniency SMH clients need (spec 10 §1.3).
public enum PercentDecoding {
    /// Decodes `%XX` escapes. A `%` that is not followed by two hex digits stays literal (Dart clients send raw `%`);
    /// `+` stays `+` unless `plusAsSpace` (query strings use form semantics).
    /// Returns nil when the decoded bytes are not valid UTF-8.
    public static func decode(_ raw: Substring, plusAsSpace: Bool = false) -> String? {
        // Most keys and values have nothing to decode (every query of every request passes here).
        if !raw.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) {
            return String(raw)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        let utf8 = Array(raw.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count,
                let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
                continue
            }
            if plusAsSpace && byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
