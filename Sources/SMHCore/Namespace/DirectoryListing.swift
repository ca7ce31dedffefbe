/// What a directory listing asks for (spec 20 D-02), validated.
public struct ListingQuery: Sendable, Hashable {
    public enum Order: String, Sendable, Hashable, CaseIterable {
        case name
        case modificationTime
        case size
        case creationTime
        case localCreationTime
        case localModificationTime
        case uploadTime
    }

    public enum Filter: String, Sendable, Hashable {
        case onlyDir
        case onlyFile
    }

    public enum Paging: Sendable, Hashable {
        /// Keyset paging: `after` is the decoded marker of the last item of the previous page.
        case marker(after: ListingCursor?, limit: Int)
        /// Page mode and offset mode both come down to an offset, bounded by 10 000 (spec 20 D-02).
        case offset(Int, limit: Int)
    }

    public var order: Order?
    public var descending: Bool
    public var filter: Filter?
    /// `sort_type=union`: directories and files sorted together instead of directories first.
    public var union: Bool
    public var prefix: String?
    public var startName: String?
    public var paging: Paging

    public init(
        order: Order? = nil, descending: Bool = false, filter: Filter? = nil, union: Bool = false,
        prefix: String? = nil, startName: String? = nil, paging: Paging = .marker(after: nil, limit: 1000)
    ) {
        self.order = order
        self.descending = descending
        self.filter = filter
        self.union = union
        self.prefix = prefix
        self.startName = startName
        self.paging = paging
    }

    /// Reads the query parameters of D-02, with the aliases Android sends (`orderBy`, `orderByType`).
    public static func parse(_ query: QueryParameters) throws(SMHError) -> ListingQuery {
        var result = ListingQuery()
        if let raw = query["order_by"] ?? query["orderBy"], !raw.isEmpty {
            guard let order = Order(rawValue: raw) else {
                throw SMHError(.orderByNotAllowed, "order_by must be one of \(Order.allCases.map(\.rawValue)).")
            }
            result.order = order == .uploadTime ? .creationTime : order
        }
        if let raw = query["order_by_type"] ?? query["orderByType"], !raw.isEmpty {
            guard raw == "asc" || raw == "desc" else {
                throw SMHError(.orderByTypeNotAllowed, "order_by_type must be asc or desc.")
            }
            result.descending = raw == "desc"
        }
        if let raw = query["filter"], !raw.isEmpty {
            guard let filter = Filter(rawValue: raw) else {
                throw SMHError(.paramInvalid, "filter must be onlyDir or onlyFile.")
            }
            result.filter = filter
        }
        if let raw = query["sort_type"], !raw.isEmpty {
            guard raw == "union" else { throw SMHError(.paramInvalid, "sort_type must be union.") }
            result.union = true
        }
        // prefix and start_name are honoured only when ordering by name (spec 20 D-02).
        if result.order == nil || result.order == .name {
            result.prefix = query["prefix"].flatMap { $0.isEmpty ? nil : $0 }
            result.startName = query["start_name"].flatMap { $0.isEmpty ? nil : $0 }
        }
        let page = try query.int("page")
        let pageSize = try query.int("page_size")
        if page != nil || pageSize != nil {
            let page = page ?? 1
            let size = pageSize ?? 20
            // Bounds first: a huge page × page_size must be refused, not overflow.
            guard (1...10_000).contains(page), (1...10_000).contains(size), page * size <= 10_000 else {
                throw SMHError(
                    .paramInvalid, "page and page_size must be at least 1, and page × page_size at most 10000.")
            }
            result.paging = .offset((page - 1) * size, limit: size)
        } else if let offset = try query.int("offset") {
            let limit = try query.int("limit") ?? 20
            guard offset >= 0, offset <= 10_000, limit >= 1 else {
                throw SMHError(.paramInvalid, "offset must be 0 to 10000 and limit at least 1.")
            }
            result.paging = .offset(offset, limit: min(limit, 1000))
        } else {
            let limit = try query.int("limit") ?? 1000
            guard limit >= 1 else { throw SMHError(.paramInvalid, "limit must be at least 1.") }
            var after: ListingCursor?
            if let marker = query["marker"], !marker.isEmpty {
                guard let cursor = ListingCursor.decode(marker) else {
                    throw SMHError(.markerNotFound, "The marker is not one this server issued.")
                }
                after = cursor
            }
            result.paging = .marker(after: after, limit: min(limit, 1000))
        }
        return result
    }
}

/// A position in a listing: the sort key of the last item returned, so that pages stay correct when entries are
/// added or removed between requests (spec 20 D-02: "encode the sort key, not an offset").
public struct ListingCursor: Sendable, Hashable {
    /// 0 for directories, 1 for files when directories come first; 0 for everything in union order.
    public let group: Int
    /// The order key as a number (times, sizes); 0 when ordering by name.
    public let key: Int64
    public let name: String
    public let inode: Inode

    public init(group: Int, key: Int64, name: String, inode: Inode) {
        self.group = group
        self.key = key
        self.name = name
        self.inode = inode
    }

    /// `c1.<group>.<key>.<inode>.<hex of name>`: opaque to clients, cheap to validate.
    public func encode() -> String {
        "c1.\(group).\(key).\(inode.rawValue).\(Array(name.utf8).hexString)"
    }

    public static func decode(_ marker: String) -> ListingCursor? {
        let parts = marker.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "c1", let group = Int(parts[1]), (0...1).contains(group),
            let key = Int64(parts[2]), let inode = Int64(parts[3]),
            parts[4].utf8.count <= 4 * 255 * 2
        else { return nil }
        guard let bytes = Hex.decode(parts[4]) else { return nil }
        guard let name = String(validating: bytes, as: UTF8.self) else { return nil }
        return ListingCursor(group: group, key: key, name: name, inode: Inode(inode))
    }
}
