/// A request's query string decoded with form semantics (spec 10 §1.4): `+` is a space, the first occurrence of a
/// key wins, a bare key (`?info`) is present with an empty value.
public struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    public init(raw: Substring?) {
        guard let raw else { return }
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = PercentDecoding.decode(parts[0], plusAsSpace: true), !key.isEmpty else { continue }
            let value = parts.count == 2 ? PercentDecoding.decode(parts[1], plusAsSpace: true) ?? String(parts[1]) : ""
            if values[key] == nil { values[key] = value }
        }
    }

    public subscript(key: String) -> String? { values[key] }

    /// A flag such as `?info` or `?info=1`: set when present, unless its value is `0` or `false` (spec 10 §1.4).
    public func flag(_ key: String) -> Bool {
        guard let value = values[key] else { return false }
        return value != "0" && value.lowercased() != "false"
    }

    /// A boolean parameter: `1`/`true` and `0`/`false`; absent gives `defaultValue`; anything else is refused.
    public func bool(_ key: String, default defaultValue: Bool = false) throws(SMHError) -> Bool {
        guard let value = values[key] else { return defaultValue }
        switch value.lowercased() {
        case "1", "true": return true
        case "0", "false", "": return false
        default: throw SMHError(.paramInvalid, "\(key) must be 1, 0, true or false.")
        }
    }

    /// A decimal integer parameter; anything else is `400 ParamInvalid`.
    public func int(_ key: String) throws(SMHError) -> Int? {
        guard let value = values[key] else { return nil }
        guard let number = Int(value) else { throw SMHError(.paramInvalid, "\(key) must be an integer.") }
        return number
    }
}
