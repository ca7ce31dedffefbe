/// The body of S1 as clients send it (spec 30 S1): every field optional, and lenient where the SDKs disagree —
/// `type`, `extname`, `labels` and `categories` as one string or a list, sizes as numbers or numeric strings,
/// creator ids as numbers (Android) or strings (iOS), and the documented `"categories "` typo.
public struct SearchRequest: Sendable, Hashable, Decodable {
    public var keyword: String?
    public var scope: String?
    public var type: [String]?
    public var extname: [String]?
    public var minFileSize: Int64?
    public var maxFileSize: Int64?
    public var modificationTimeStart: String?
    public var modificationTimeEnd: String?
    public var orderBy: String?
    public var orderByType: String?
    public var searchMode: String?
    public var labels: [String]?
    public var categories: [String]?
    public var creators: [String]?
    public var tags: [SearchTag]?

    public init() {}

    enum Key: String, CodingKey {
        case keyword, scope, type, extname, minFileSize, maxFileSize, modificationTimeStart, modificationTimeEnd
        case orderBy, orderByType, searchMode, labels, categories, creators, tags
        case categoriesTypo = "categories "
    }

    struct Creator: Decodable {
        let userId: String?
        enum Key: String, CodingKey { case userId }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            userId = try c.decodeLenientString(forKey: .userId)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        keyword = try c.decodeIfPresent(String.self, forKey: .keyword)
        scope = try c.decodeIfPresent(String.self, forKey: .scope)
        type = try c.decodeStringOrList(forKey: .type)
        extname = try c.decodeStringOrList(forKey: .extname)
        minFileSize = try c.decodeLenientInteger(forKey: .minFileSize)
        maxFileSize = try c.decodeLenientInteger(forKey: .maxFileSize)
        modificationTimeStart = try c.decodeIfPresent(String.self, forKey: .modificationTimeStart)
        modificationTimeEnd = try c.decodeIfPresent(String.self, forKey: .modificationTimeEnd)
        orderBy = try c.decodeIfPresent(String.self, forKey: .orderBy)
        orderByType = try c.decodeIfPresent(String.self, forKey: .orderByType)
        searchMode = try c.decodeIfPresent(String.self, forKey: .searchMode)
        labels = try c.decodeStringOrList(forKey: .labels)
        categories = try c.decodeStringOrList(forKey: .categories) ?? c.decodeStringOrList(forKey: .categoriesTypo)
        creators = try c.decodeIfPresent([Creator].self, forKey: .creators)?.compactMap(\.userId)
        tags = try c.decodeIfPresent([SearchTag].self, forKey: .tags)
    }
}

/// A legacy tag condition (spec 30 §7.3): a tag id and optionally its value.
public struct SearchTag: Sendable, Hashable, Codable {
    public let id: Int64
    public let value: String?

    public init(id: Int64, value: String?) {
        self.id = id
        self.value = value
    }

    enum Key: String, CodingKey { case id, value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        guard let id = try c.decodeLenientInteger(forKey: .id) else {
            throw DecodingError.keyNotFound(Key.id, .init(codingPath: c.codingPath, debugDescription: "tag id"))
        }
        self.id = id
        value = try c.decodeIfPresent(String.self, forKey: .value)
    }
}

extension KeyedDecodingContainer {
    /// A string or a list of strings; null and absent are nil.
    func decodeStringOrList(forKey key: Key) throws -> [String]? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let one = try? decode(String.self, forKey: key) { return [one] }
        return try decode([String].self, forKey: key)
    }

    /// An integer given as a JSON number or a decimal string.
    func decodeLenientInteger(forKey key: Key) throws -> Int64? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let number = try? decode(Int64.self, forKey: key) { return number }
        let text = try decode(String.self, forKey: key)
        guard let number = Int64(text) else {
            throw DecodingError.typeMismatch(
                Int64.self, .init(codingPath: codingPath + [key], debugDescription: "not an integer"))
        }
        return number
    }

    /// A string given as a JSON string or number.
    func decodeLenientString(forKey key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let number = try? decode(Int64.self, forKey: key) { return String(number) }
        return try decode(String.self, forKey: key)
    }
}
