/// How a listing is ordered, as numbers the SQL layer and the cursor share (spec 20 D-02 "Ordering").
///
/// Every order is expressed as (group, key, name, inode) ascending — except a descending name order, which is
/// (group, name, inode) descending within the group. Directories come first (group 0) unless `sort_type=union`.
/// Descending numeric keys are negated so that one ascending tuple comparison pages through them.
public enum ListingOrder {
    public enum Key: Sendable, Equatable {
        case none
        case creationTime
        case modificationTime
        case size
    }

    /// The numeric key and whether it is negated, for a query and library kind. Default order: names, except files
    /// of media libraries, newest upload first.
    public static func key(for query: ListingQuery, mediaOrder: Bool) -> (key: Key, negated: Bool, filesOnly: Bool) {
        switch query.order {
        case nil: return mediaOrder ? (.creationTime, true, true) : (.none, false, false)
        case .name: return (.none, false, false)
        case .creationTime, .uploadTime, .localCreationTime: return (.creationTime, query.descending, false)
        case .modificationTime, .localModificationTime: return (.modificationTime, query.descending, false)
        case .size: return (.size, query.descending, false)
        }
    }

    /// True when the order is by name, descending: the one order not expressible as an ascending tuple.
    public static func isNameDescending(_ query: ListingQuery) -> Bool {
        query.order == .name && query.descending
    }

    public static func cursor(for node: Node, query: ListingQuery, mediaOrder: Bool) -> ListingCursor {
        let group = query.union ? 0 : (node.kind == .directory ? 0 : 1)
        let (key, negated, filesOnly) = Self.key(for: query, mediaOrder: mediaOrder)
        var value: Int64
        switch key {
        case .none: value = 0
        case .creationTime: value = node.createdAt.milliseconds
        case .modificationTime: value = node.updatedAt.milliseconds
        case .size: value = node.kind == .directory ? 0 : node.size
        }
        if filesOnly && node.kind == .directory { value = 0 }
        return ListingCursor(group: group, key: negated ? -value : value, name: node.name, inode: node.inode)
    }
}
