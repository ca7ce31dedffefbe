/// The raw request path of a business endpoint, split into its fixed prefix and the rest.
///
/// Routing works on the raw target (spec 10 §1.3): a framework that decodes first would turn `%2F` inside a name
/// into a separator before we can tell them apart, and would decode twice.
public struct APIPath: Sendable, Equatable {
    /// The first segment after `/api/v1/`: `token`, `space`, `file`, `directory`, …
    public let group: String
    /// Everything after `/api/v1/<group>`, still percent-encoded, without the query.
    public let rest: Substring

    /// Recognises `[/…]/api/v1/<group>[/rest]`. Doubled slashes are collapsed only in this fixed prefix,
    /// because SDKs join a base ending in `/` with `/api/…`.
    public init?(rawPath: Substring) {
        var remainder = rawPath.drop(while: { $0 == "/" })
        guard remainder.hasPrefix("api/") else { return nil }
        remainder = remainder.dropFirst(4).drop(while: { $0 == "/" })
        guard remainder.hasPrefix("v1/") || remainder == "v1" else { return nil }
        remainder = remainder.dropFirst(2).drop(while: { $0 == "/" })
        let groupEnd = remainder.firstIndex(of: "/") ?? remainder.endIndex
        let group = remainder[..<groupEnd]
        guard !group.isEmpty else { return nil }
        self.group = String(group)
        self.rest = remainder[groupEnd...]
    }

    /// Takes `count` fixed segments (library id, space id, …), each percent-decoded on its own, and returns them
    /// with the raw tail that follows. Nil when fewer segments are present or one is not valid UTF-8.
    public func split(fixedSegments count: Int) -> (fixed: [String], tail: Substring)? {
        var fixed: [String] = []
        var cursor = rest[...]
        for _ in 0..<count {
            cursor = cursor.drop(while: { $0 == "/" })
            let end = cursor.firstIndex(of: "/") ?? cursor.endIndex
            let segment = cursor[..<end]
            guard !segment.isEmpty, let decoded = PercentDecoding.decode(segment) else { return nil }
            fixed.append(decoded)
            cursor = cursor[end...]
        }
        return (fixed, cursor)
    }
}
