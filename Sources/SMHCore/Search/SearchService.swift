/// Search tasks (spec 30 S1–S3). A search runs synchronously: S1 answers the first page and stores the query with
/// its position, so `searchFinished` is always true and S2 reads on from the stored position on any instance.
public struct SearchService<
    Store: SearchStore & NamespaceStore & FavoriteStore & TokenStore & LibraryStore & SpaceStore
>: Sendable {
    public let store: Store
    public let clock: any Clock

    public init(store: Store, clock: any Clock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    var access: AccessService<Store> { AccessService(store: store, clock: clock) }

    /// Spec 30 §3.0: 20 items per page.
    public static var pageSize: Int { 20 }

    public struct Result: Sendable {
        /// Links carry their target's content attributes, as in listings.
        public let node: Node
        public let path: [String]
        /// Set when asked for (`with_favorite_status=1`).
        public let isFavorite: Bool?
    }

    public struct Page: Sendable {
        public let searchId: String
        public let results: [Result]
        /// The offset of the next page, nil when there is none.
        public let nextMarker: Int?
    }

    /// S1.
    public func start(_ caller: Caller, space spaceId: String, request: SearchRequest, withFavorites: Bool)
        async throws -> Page
    {
        let space = try await searchableSpace(caller, spaceId)
        let query = try SearchQuery(validating: request)
        let scope = try await scopeDirectory(query, in: space)
        let session = SearchSession(
            id: "srch-" + RandomToken.alphanumeric(count: 20), libraryId: space.libraryId, spaceId: space.id,
            userId: caller.userId, query: query, scope: scope, nextOffset: 0, cursor: nil,
            expiresAt: clock.now())
        return try await page(session, caller: caller, space: space, offset: 0, withFavorites: withFavorites)
    }

    /// S2. `marker` is the `nextMarker` of an earlier answer; any other offset is served too, by counting.
    public func more(_ caller: Caller, space spaceId: String, id: String, marker: Int, withFavorites: Bool)
        async throws -> Page
    {
        let space = try await searchableSpace(caller, spaceId)
        guard marker >= 0 else { throw SMHError(.searchIdInvalid, "marker must be a non-negative integer.") }
        guard let session = try await store.search(id: id, library: space.libraryId, space: space.id, now: clock.now())
        else { throw SMHError(.searchIdNotFound, "No search \(id) is running in this space.") }
        return try await page(session, caller: caller, space: space, offset: marker, withFavorites: withFavorites)
    }

    /// S3: idempotent.
    public func delete(_ caller: Caller, space spaceId: String, id: String) async throws {
        let space = try await searchableSpace(caller, spaceId)
        try await store.deleteSearch(id: id, library: space.libraryId, space: space.id)
    }

    /// The directory a query searches in; `404 DirectoryNotFound` when it is missing or not a directory.
    func scopeDirectory(_ query: SearchQuery, in space: Space) async throws -> Inode {
        let path = ItemPath(validated: query.scope)
        guard let scope = try await store.node(in: space, at: path), scope.kind == .directory else {
            throw SMHError(.directoryNotFound, "Directory /\(path) does not exist.")
        }
        return scope.inode
    }

    func searchableSpace(_ caller: Caller, _ spaceId: String) async throws -> Space {
        guard caller.library.settings.enableSearch else {
            throw SMHError(.searchNotEnabled, "Search is switched off for this library (enableSearch).")
        }
        return try await access.space(spaceId, for: caller, operation: .read)
    }

    func page(_ session: SearchSession, caller: Caller, space: Space, offset: Int, withFavorites: Bool)
        async throws -> Page
    {
        let position: SearchPosition =
            if offset == session.nextOffset, offset > 0, let cursor = session.cursor {
                .after(cursor)
            } else {
                .offset(offset)
            }
        var hits = try await store.searchPage(
            session.query, in: space, scope: session.scope, from: position, limit: Self.pageSize + 1)
        let hasMore = hits.count > Self.pageSize
        if hasMore { hits.removeLast() }

        var updated = session
        updated.expiresAt = clock.now().adding(seconds: SearchSession.lifetimeSeconds)
        if hasMore, let last = hits.last {
            updated.nextOffset = offset + hits.count
            updated.cursor = last.cursor
        }
        try await store.saveSearch(updated)

        let results = try await results(hits, caller: caller, space: space, withFavorites: withFavorites)
        return Page(searchId: session.id, results: results, nextMarker: hasMore ? offset + hits.count : nil)
    }

    /// S4 (`search-fs`, P2): the same engine, synchronous, no stored task; the marker is the offset of the next
    /// result as a string, absent when there is none.
    public func find(
        _ caller: Caller, space spaceId: String, request: FileSearchRequest, marker: String?, limit: Int?,
        withFavorites: Bool
    ) async throws -> (results: [Result], nextMarker: String?) {
        let space = try await searchableSpace(caller, spaceId)
        let query = try request.query()
        let size = limit ?? Self.pageSize
        guard (1...100).contains(size) else { throw SMHError(.paramInvalid, "limit must be 1 to 100.") }
        var offset = 0
        if let marker, !marker.isEmpty {
            guard let value = Int(marker), value >= 0 else {
                throw SMHError(.paramInvalid, "marker must be the nextMarker of an earlier answer.")
            }
            offset = value
        }
        var hits = try await store.searchPage(
            query, in: space, scope: try await scopeDirectory(query, in: space), from: .offset(offset), limit: size + 1)
        let hasMore = hits.count > size
        if hasMore { hits.removeLast() }
        return (
            try await results(hits, caller: caller, space: space, withFavorites: withFavorites),
            hasMore ? String(offset + hits.count) : nil
        )
    }

    /// Results with their paths, links presenting their targets, and the caller's favorites when asked for.
    func results(_ hits: [SearchHit], caller: Caller, space: Space, withFavorites: Bool) async throws -> [Result] {
        let parents = try await store.paths(of: Array(Set(hits.compactMap(\.node.parent))))
        let favorites =
            withFavorites
            ? try await store.favorited(
                library: space.libraryId, space: space.id, userId: caller.userId, among: hits.map(\.node.inode))
            : nil
        var results: [Result] = []
        results.reserveCapacity(hits.count)
        for hit in hits {
            // A result whose directory went away between the query and here is skipped rather than misplaced.
            guard let parent = hit.node.parent, let parentPath = parents[parent] else { continue }
            results.append(
                Result(
                    node: try await store.presentingLink(hit.node, in: space), path: parentPath + [hit.node.name],
                    isFavorite: favorites.map { $0.contains(hit.node.inode) }))
        }
        return results
    }
}
