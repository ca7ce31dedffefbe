/// A validated search (spec 30 S1): the conditions, all combined with AND, and the order. Stored with the search so
/// that any instance can serve the following pages.
public struct SearchQuery: Sendable, Hashable, Codable {
    /// Lower-cased, distinct; an item matches when its name contains any of them.
    public var keywords: [String] = []
    /// The directory searched recursively; empty is the space root.
    public var scope: [String] = []
    /// An item passes when it matches one of `include` (or `include` is empty) and none of `exclude`.
    public var include: [SearchType] = []
    public var exclude: [SearchType] = []
    /// Lower-cased, without the dot.
    public var extensions: [String] = []
    public var minSize: Int64?
    public var maxSize: Int64?
    public var modifiedFrom: Timestamp?
    public var modifiedTo: Timestamp?
    public var labels: [String] = []
    public var categories: [String] = []
    public var creators: [String] = []
    public var tags: [SearchTag] = []
    /// S4 only: file extensions excluded (lower-cased, no dot), and the kinds of entry wanted (empty: all).
    public var excludedExtensions: [String] = []
    public var kinds: [Node.Kind] = []
    public var order: SearchOrder = .relevance

    public init() {}

    /// Conditions beyond this many entries answer `SearchTooComplex` (spec 30 S1, assumed limit).
    public static let maxEntries = 100
    public static let maxKeywordLength = 255

    public init(validating request: SearchRequest) throws(SMHError) {
        func checkCount(_ values: [Any]?, _ field: String) throws(SMHError) {
            if let values, values.count > Self.maxEntries {
                throw SMHError(.searchTooComplex, "\(field) has more than \(Self.maxEntries) entries.")
            }
        }
        var seen = Set<String>()
        for word in (request.keyword ?? "").split(whereSeparator: \.isWhitespace) {
            let folded = word.lowercased()
            guard folded.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
                throw SMHError(.paramInvalid, "keyword contains control characters.")
            }
            guard folded.count <= Self.maxKeywordLength else {
                throw SMHError(.paramInvalid, "A keyword is longer than \(Self.maxKeywordLength) characters.")
            }
            if seen.insert(folded).inserted { keywords.append(folded) }
        }
        try checkCount(keywords, "keyword")
        try checkCount(request.extname, "extname")
        try checkCount(request.labels, "labels")
        try checkCount(request.categories, "categories")
        try checkCount(request.creators, "creators")
        try checkCount(request.tags, "tags")
        try checkCount(request.type, "type")

        if let rawScope = request.scope, !rawScope.isEmpty, rawScope != "/" {
            do {
                scope = try ItemPath.parse(bodyPath: rawScope).components
            } catch {
                throw SMHError(.paramInvalid, "scope is not a valid directory path: \(error.message)")
            }
        }

        for value in request.type ?? [] where !value.isEmpty {
            let negated = value.hasPrefix("!")
            guard let type = SearchType(rawValue: negated ? String(value.dropFirst()) : value) else {
                throw SMHError(.paramInvalid, "type \"\(value)\" is not one of the documented types.")
            }
            if negated {
                if !exclude.contains(type) { exclude.append(type) }
            } else if !include.contains(type) {
                include.append(type)
            }
        }
        // `all` among the positive values selects everything, which is the same as no positive value.
        if include.contains(.all) { include = [] }

        for value in request.extname ?? [] {
            let bare = Self.bareExtension(value)
            guard !bare.isEmpty, !bare.contains("/"), bare.unicodeScalars.allSatisfy({ $0.value >= 0x20 }) else {
                throw SMHError(.paramInvalid, "extname \"\(value)\" is not a file extension.")
            }
            if !extensions.contains(bare) { extensions.append(bare) }
        }

        minSize = request.minFileSize
        maxSize = request.maxFileSize
        if let size = minSize, size < 0 { throw SMHError(.paramInvalid, "minFileSize must not be negative.") }
        if let size = maxSize, size < 0 { throw SMHError(.paramInvalid, "maxFileSize must not be negative.") }
        if let low = minSize, let high = maxSize, low > high {
            throw SMHError(.paramInvalid, "minFileSize is greater than maxFileSize.")
        }

        func time(_ text: String?, _ field: String) throws(SMHError) -> Timestamp? {
            guard let text, !text.isEmpty else { return nil }
            guard let time = Timestamp.parse(text) else {
                throw SMHError(.invalidTimeFormat, "\(field) is not an ISO 8601 time.")
            }
            return time
        }
        modifiedFrom = try time(request.modificationTimeStart, "modificationTimeStart")
        modifiedTo = try time(request.modificationTimeEnd, "modificationTimeEnd")
        if let from = modifiedFrom, let to = modifiedTo, from > to {
            throw SMHError(.paramInvalid, "modificationTimeStart is after modificationTimeEnd.")
        }

        labels = Self.distinct(request.labels ?? [])
        categories = Self.distinct(request.categories ?? [])
        creators = Self.distinct(request.creators ?? [])
        tags = request.tags ?? []
        order = try SearchOrder(orderBy: request.orderBy, orderByType: request.orderByType)
        if let mode = request.searchMode, !mode.isEmpty, mode != "fast", mode != "normal" {
            throw SMHError(.paramInvalid, "searchMode must be fast or normal.")
        }
    }

    /// An extension as matched: lower-cased, without a leading dot.
    static func bareExtension(_ value: String) -> String {
        (value.hasPrefix(".") ? String(value.dropFirst()) : value).lowercased()
    }

    static func distinct(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}

/// The order of results (spec 30 S1): by a field with ties by name ascending, or by relevance — the number of
/// keywords an item matches, most first — then name.
public struct SearchOrder: Sendable, Hashable, Codable {
    public enum Field: String, Sendable, Hashable, Codable {
        case relevance, name, modificationTime, size, creationTime, localCreationTime, localModificationTime
    }

    public var field: Field
    public var descending: Bool

    public static let relevance = SearchOrder(field: .relevance, descending: false)

    public init(field: Field, descending: Bool) {
        self.field = field
        self.descending = descending
    }

    /// An unknown `orderBy` is ignored, because the iOS SDK passes app sort options such as `uploadTime` through;
    /// an unknown `orderByType` is an error.
    public init(orderBy: String?, orderByType: String?) throws(SMHError) {
        var descending = false
        if let type = orderByType, !type.isEmpty {
            switch type.lowercased() {
            case "asc": descending = false
            case "desc": descending = true
            default: throw SMHError(.paramInvalid, "orderByType must be asc or desc.")
            }
        }
        guard let raw = orderBy, let field = Field(rawValue: raw), field != .relevance else {
            self = .relevance
            return
        }
        self.init(field: field, descending: descending)
    }
}
