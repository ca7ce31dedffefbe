/// The body of S4 (`search-fs`, spec 30 S4): a synchronous name search answered with a string marker. Only
/// `type` `filename` is served; full-text search (`filecontent`) needs an index of contents this server does not keep.
public struct FileSearchRequest: Sendable, Decodable {
    public var type: String?
    public var keywords: [String]?
    public var scope: String?
    public var inExtnames: [String]?
    public var excludeExtnames: [String]?
    public var fileTypes: [String]?
    public var minFileSize: Int64?
    public var maxFileSize: Int64?
    public var modificationTimeStart: String?
    public var modificationTimeEnd: String?
    public var labels: [String]?
    public var categories: [String]?
    public var marker: String?

    enum Key: String, CodingKey {
        case type, keywords, scope, inExtnames, excludeExtnames, fileTypes, minFileSize, maxFileSize
        case modificationTimeStart, modificationTimeEnd, labels, categories, marker
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        keywords = try c.decodeStringOrList(forKey: .keywords)
        scope = try c.decodeIfPresent(String.self, forKey: .scope)
        inExtnames = try c.decodeStringOrList(forKey: .inExtnames)
        excludeExtnames = try c.decodeStringOrList(forKey: .excludeExtnames)
        fileTypes = try c.decodeStringOrList(forKey: .fileTypes)
        minFileSize = try c.decodeLenientInteger(forKey: .minFileSize)
        maxFileSize = try c.decodeLenientInteger(forKey: .maxFileSize)
        modificationTimeStart = try c.decodeIfPresent(String.self, forKey: .modificationTimeStart)
        modificationTimeEnd = try c.decodeIfPresent(String.self, forKey: .modificationTimeEnd)
        labels = try c.decodeStringOrList(forKey: .labels)
        categories = try c.decodeStringOrList(forKey: .categories)
        marker = try c.decodeIfPresent(String.self, forKey: .marker)
    }

    /// The S1 query this amounts to, with S4's own limits (spec 30 S4). `orderBy` is accepted and ignored: results
    /// come by name.
    public func query() throws(SMHError) -> SearchQuery {
        switch type ?? "filename" {
        case "", "filename": break
        case "filecontent":
            throw SMHError(.functionNotEnabled, "Full-text search of file contents is not available on this server.")
        default: throw SMHError(.paramInvalid, "type must be filename or filecontent.")
        }
        for (values, field) in [(inExtnames, "inExtnames"), (excludeExtnames, "excludeExtnames"), (labels, "labels")]
        where (values?.count ?? 0) > 20 {
            throw SMHError(.searchTooComplex, "\(field) has more than 20 entries.")
        }
        if (categories?.count ?? 0) > 20 { throw SMHError(.searchTooComplex, "categories has more than 20 entries.") }
        for value in (inExtnames ?? []) + (excludeExtnames ?? []) where value.count > 10 {
            throw SMHError(.paramInvalid, "An extension is longer than 10 characters.")
        }
        var request = SearchRequest()
        request.keyword = (keywords ?? []).joined(separator: " ")
        request.scope = scope
        request.extname = inExtnames
        request.minFileSize = minFileSize
        request.maxFileSize = maxFileSize
        request.modificationTimeStart = modificationTimeStart
        request.modificationTimeEnd = modificationTimeEnd
        request.labels = labels
        request.categories = categories
        var query = try SearchQuery(validating: request)
        query.order = SearchOrder(field: .name, descending: false)
        for value in excludeExtnames ?? [] {
            let bare = SearchQuery.bareExtension(value)
            if !bare.isEmpty, !query.excludedExtensions.contains(bare) { query.excludedExtensions.append(bare) }
        }
        for value in fileTypes ?? [] {
            switch value {
            case "all": query.kinds = []
            case "dir", "file", "symlink":
                let kind = Node.Kind(rawValue: value) ?? .file
                if !query.kinds.contains(kind) { query.kinds.append(kind) }
            default: throw SMHError(.paramInvalid, "fileTypes takes all, dir, file and symlink.")
            }
        }
        if fileTypes?.contains("all") == true { query.kinds = [] }
        return query
    }
}
