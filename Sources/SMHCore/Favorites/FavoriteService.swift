/// Favorites (spec 30 §6): add, remove, list — per user and space, following moves, deleted targets kept.
public struct FavoriteService<Store: FavoriteStore & NamespaceStore & TokenStore & LibraryStore & SpaceStore>: Sendable
{
    public let store: Store
    public let clock: any Clock

    public init(store: Store, clock: any Clock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    var access: AccessService<Store> { AccessService(store: store, clock: clock) }

    /// The object a body names: `inode` wins over `path`.
    func target(_ space: Space, inode: String?, path: String?, missing: SMHErrorCode) async throws -> Inode {
        if let raw = inode, !raw.isEmpty {
            guard let inode = Node.parseInode(raw) ?? Int64(raw).map({ Inode($0) }) else {
                throw SMHError(missing, "No object has inode \(raw).")
            }
            return inode
        }
        guard let path, !path.isEmpty else { throw SMHError(.paramInvalid, "Give inode or path.") }
        let itemPath: ItemPath
        do {
            itemPath = try ItemPath.parse(bodyPath: path, leaf: .file)
        } catch {
            throw SMHError(.paramInvalid, "path is not valid: \(error.message)")
        }
        guard !itemPath.isRoot else { throw SMHError(.paramInvalid, "The root directory cannot be a favorite.") }
        guard let node = try await store.node(in: space, at: itemPath) else {
            throw SMHError(missing, "Nothing exists at /\(itemPath).")
        }
        return node.inode
    }

    /// F1.
    public func add(_ caller: Caller, space spaceId: String, inode: String?, path: String?) async throws -> Inode {
        let space = try await access.space(spaceId, for: caller, operation: .read)
        let target = try await target(space, inode: inode, path: path, missing: .fileNotFound)
        guard try await store.locate(target, in: space) != nil else {
            throw SMHError(.fileNotFound, "No file or directory has inode \(Node.formatInode(target)) here.")
        }
        let added = try await store.addFavorite(
            Favorite(spaceId: space.id, userId: caller.userId, inode: target, favoritedAt: clock.now()),
            library: caller.library.id)
        guard added else { throw SMHError(.duplicateFavoriteRecord, "This is already a favorite.") }
        return target
    }

    /// F2.
    public func remove(_ caller: Caller, space spaceId: String, inode: String?, path: String?) async throws {
        let space = try await access.space(spaceId, for: caller, operation: .read)
        let target = try await target(space, inode: inode, path: path, missing: .favoriteIdNotFound)
        guard
            try await store.removeFavorite(
                library: caller.library.id, space: space.id, userId: caller.userId, inode: target)
        else { throw SMHError(.favoriteIdNotFound, "This is not one of your favorites.") }
    }

    public struct Entry: Sendable {
        public let favorite: Favorite
        /// Nil when the object is deleted or in the recycle bin.
        public let found: (path: [String], node: Node)?
    }

    /// F3.
    public func list(
        _ caller: Caller, space spaceId: String, descending: Bool, after: Favorite?, offset: Int, limit: Int
    ) async throws -> (total: Int, entries: [Entry]) {
        let space = try await access.space(spaceId, for: caller, operation: .read)
        let page = try await store.favorites(
            library: caller.library.id, space: space.id, userId: caller.userId, descending: descending, after: after,
            offset: offset, limit: limit)
        var entries: [Entry] = []
        for favorite in page {
            let found = try await store.locate(favorite.inode, in: space)
            entries.append(
                Entry(
                    favorite: favorite,
                    found: try await found.asyncMap { ($0.path, try await store.presentingLink($0.node, in: space)) }))
        }
        let total = try await store.countFavorites(library: caller.library.id, space: space.id, userId: caller.userId)
        return (total, entries)
    }
}
