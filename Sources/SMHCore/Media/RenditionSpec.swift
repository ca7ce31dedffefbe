/// What a preview asks for (spec 20 F-12, D-12): the box the picture must fit and the format, as parsed from the
/// query and as written into a rendition's cache key and signed URL.
public struct RenditionSpec: Sendable, Hashable {
    public enum Box: Sendable, Hashable {
        /// No size parameter: the whole picture.
        case original
        /// `size`: a `n × n` square, scaled and cropped around the centre.
        case square(Int)
        /// `scale`: a percentage of the (upright) picture.
        case percent(Int)
        /// `width_size` / `height_size`: fits the box, aspect kept; a missing side is unbounded.
        case fit(width: Int?, height: Int?)
    }

    public enum Format: String, Sendable, Hashable, CaseIterable {
        case jpeg, png, webp

        public var contentType: String { "image/\(rawValue)" }
        public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
    }

    public var box: Box
    /// Asked for with `format`; nil lets the source decide (JPEG, PNG when it has transparency).
    public var format: Format?

    public init(box: Box, format: Format? = nil) {
        self.box = box
        self.format = format
    }

    /// The longest edge a rendition may have: beyond it a "thumbnail" is a full decode of a huge picture.
    public static let maxEdge = 8192

    /// Reads F-12's parameters in the spec's precedence: `size`, then `scale`, then `width_size`/`height_size`.
    /// Non-numeric, negative, zero or oversized values are `400 ParamInvalid`, even when a higher one wins.
    public static func parse(_ query: QueryParameters) throws(SMHError) -> RenditionSpec {
        let size = try edge(query, "size")
        let width = try edge(query, "width_size")
        let height = try edge(query, "height_size")
        var percent: Int?
        if let raw = query["scale"], !raw.isEmpty {
            guard let value = Int(raw), (1...100).contains(value) else {
                throw SMHError(.paramInvalid, "scale must be an integer from 1 to 100.")
            }
            percent = value
        }
        var format: Format?
        if let raw = query["format"], !raw.isEmpty {
            let name = raw.lowercased() == "jpg" ? "jpeg" : raw.lowercased()
            guard let known = Format(rawValue: name) else {
                throw SMHError(.paramInvalid, "format must be jpeg, png or webp.")
            }
            format = known
        }
        if let size { return RenditionSpec(box: .square(size), format: format) }
        if let percent { return RenditionSpec(box: percent == 100 ? .original : .percent(percent), format: format) }
        if width != nil || height != nil {
            return RenditionSpec(box: .fit(width: width, height: height), format: format)
        }
        return RenditionSpec(box: .original, format: format)
    }

    static func edge(_ query: QueryParameters, _ name: String) throws(SMHError) -> Int? {
        guard let raw = query[name], !raw.isEmpty else { return nil }
        guard let value = Int(raw), (1...maxEdge).contains(value) else {
            throw SMHError(.paramInvalid, "\(name) must be an integer from 1 to \(maxEdge).")
        }
        return value
    }

    /// The box part of the cache key and URL: `o`, `s256`, `p50`, `w320`, `h240`, `w320h240`.
    public var boxKey: String {
        switch box {
        case .original: return "o"
        case .square(let n): return "s\(n)"
        case .percent(let p): return "p\(p)"
        case .fit(let w, let h): return (w.map { "w\($0)" } ?? "") + (h.map { "h\($0)" } ?? "")
        }
    }

    /// `boxKey`, then `-png`/`-webp`/`-jpeg` when a format was asked for.
    public var key: String { format.map { "\(boxKey)-\($0.rawValue)" } ?? boxKey }

    /// The inverse of `key`; nil for anything `key` does not produce (a forged or damaged URL).
    public init?(key: String) {
        let parts = key.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count <= 2, let first = parts.first, let letter = first.first else { return nil }
        var format: Format?
        if parts.count == 2 {
            guard let known = Format(rawValue: String(parts[1])) else { return nil }
            format = known
        }
        let rest = first.dropFirst()
        func number(_ text: Substring) -> Int? {
            guard let value = Int(text), (1...Self.maxEdge).contains(value), String(value) == text else { return nil }
            return value
        }
        switch letter {
        case "o" where rest.isEmpty: self.init(box: .original, format: format)
        case "s":
            guard let n = number(rest) else { return nil }
            self.init(box: .square(n), format: format)
        case "p":
            guard let p = number(rest), p < 100 else { return nil }
            self.init(box: .percent(p), format: format)
        case "w", "h":
            var width: Int?
            var height: Int?
            if letter == "w" {
                let split = rest.split(separator: "h", maxSplits: 1, omittingEmptySubsequences: false)
                guard let w = number(split[0]) else { return nil }
                width = w
                if split.count == 2 {
                    guard let h = number(split[1]) else { return nil }
                    height = h
                }
            } else {
                guard let h = number(rest) else { return nil }
                height = h
            }
            self.init(box: .fit(width: width, height: height), format: format)
        default: return nil
        }
    }

    /// The target box for a source of `width × height` (upright), never larger than the source: `(w, h, crop)`.
    public func target(width: Int, height: Int) -> (width: Int, height: Int, crop: Bool) {
        let big = Self.maxEdge * 4
        switch box {
        case .original: return (width, height, false)
        case .square(let n): return (n, n, true)
        case .percent(let p):
            return (max(1, (width * p + 50) / 100), max(1, (height * p + 50) / 100), false)
        case .fit(let w, let h): return (w ?? big, h ?? big, false)
        }
    }
}
