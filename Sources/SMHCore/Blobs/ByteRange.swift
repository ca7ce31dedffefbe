/// A satisfiable byte range of a blob: `length` bytes from `start`.
public struct ByteRange: Sendable, Hashable {
    public let start: Int64
    public let length: Int64

    public init(start: Int64, length: Int64) {
        self.start = start
        self.length = length
    }

    public var end: Int64 { start + length - 1 }

    /// What a `Range` header asks of a resource of `size` bytes (RFC 9110 §14).
    public enum Request: Sendable, Equatable {
        /// No header, or one we answer with the whole body (a syntactically invalid or multi-range header).
        case whole
        case partial(ByteRange)
        /// `416`: no byte of the range exists.
        case unsatisfiable
    }

    /// Parses a single `bytes=` range: `a-b`, open `a-`, suffix `-n`. Multi-range and malformed headers are
    /// ignored (answered with the whole body), as the RFC allows.
    public static func parse(header: String?, size: Int64) -> Request {
        guard let header else { return .whole }
        let trimmed = header.trimmingSpaces
        guard trimmed.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = trimmed.dropFirst(6).trimmingSpaces
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingSpaces
        let last = spec[spec.index(after: dash)...].trimmingSpaces
        if first.isEmpty {
            guard let suffix = Int64(last), suffix >= 0, last.allSatisfy(\.isASCIIDigit) else { return .whole }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            let length = min(suffix, size)
            return .partial(ByteRange(start: size - length, length: length))
        }
        guard let start = Int64(first), first.allSatisfy(\.isASCIIDigit) else { return .whole }
        var endInclusive = size - 1
        if !last.isEmpty {
            guard let end = Int64(last), last.allSatisfy(\.isASCIIDigit), end >= start else { return .whole }
            endInclusive = min(end, size - 1)
        }
        guard start < size else { return .unsatisfiable }
        return .partial(ByteRange(start: start, length: endInclusive - start + 1))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
