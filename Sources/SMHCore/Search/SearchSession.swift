/// A search task (spec 30 §3.0): the query, where it runs, and where the next page starts. Kept in the database so
/// any instance can continue it; it expires `lifetimeSeconds` after its last use.
public struct SearchSession: Sendable, Hashable {
    public let id: String
    public let libraryId: LibraryID
    public let spaceId: SpaceID
    public let userId: String
    public let query: SearchQuery
    /// The scope directory, resolved when the search started.
    public let scope: Inode
    /// The offset the last answer gave as `nextMarker`, and the sort position of the item before it, so asking
    /// for exactly that page reads on from the position instead of counting rows again.
    public var nextOffset: Int
    public var cursor: SearchCursor?
    public var expiresAt: Timestamp

    public init(
        id: String, libraryId: LibraryID, spaceId: SpaceID, userId: String, query: SearchQuery, scope: Inode,
        nextOffset: Int, cursor: SearchCursor?, expiresAt: Timestamp
    ) {
        self.id = id
        self.libraryId = libraryId
        self.spaceId = spaceId
        self.userId = userId
        self.query = query
        self.scope = scope
        self.nextOffset = nextOffset
        self.cursor = cursor
        self.expiresAt = expiresAt
    }

    public static let lifetimeSeconds: Int64 = 30 * 60
}

/// The sort position of one result: its order key (nil when the order is by name alone), name and inode.
public struct SearchCursor: Sendable, Hashable, Codable {
    public let key: Int64?
    public let name: String
    public let inode: Int64

    public init(key: Int64?, name: String, inode: Int64) {
        self.key = key
        self.name = name
        self.inode = inode
    }
}

/// Where a page starts.
public enum SearchPosition: Sendable, Hashable {
    case offset(Int)
    case after(SearchCursor)
}

/// One result with its sort position.
public struct SearchHit: Sendable {
    public let node: Node
    public let cursor: SearchCursor

    public init(node: Node, cursor: SearchCursor) {
        self.node = node
        self.cursor = cursor
    }
}

/// Persistence and execution of searches.
public protocol SearchStore: Sendable {
    /// At most `limit` results of `query` below `scope` (its live tree only), in the query's order, from `position`.
    func searchPage(_ query: SearchQuery, in space: Space, scope: Inode, from position: SearchPosition, limit: Int)
        async throws -> [SearchHit]
    /// The full path (names from the space root) of each given node that is still there.
    func paths(of inodes: [Inode]) async throws -> [Inode: [String]]
    func saveSearch(_ session: SearchSession) async throws
    /// The search, if it exists in that space and has not expired.
    func search(id: String, library: LibraryID, space: SpaceID, now: Timestamp) async throws -> SearchSession?
    func deleteSearch(id: String, library: LibraryID, space: SpaceID) async throws
    /// Forgets expired searches; returns how many.
    func deleteExpiredSearches(now: Timestamp) async throws -> Int
}
