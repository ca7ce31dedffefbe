/// The directory and album use cases of spec 20 §5.
public struct DirectoryService<Store: NamespaceStore & QuotaStore & TokenStore & LibraryStore & SpaceStore>: Sendable {
    public let store: Store
    public let clock: any Clock

    public init(store: Store, clock: any Clock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    var access: AccessService<Store> { AccessService(store: store, clock: clock) }

    /// D-01. The album rules of media libraries (spec 20 §6) apply before anything is written.
    public func create(
        _ caller: Caller, space spaceId: String, rawPath: Substring, strategy: ConflictStrategy,
        description: DescriptionPatch? = nil
    ) async throws -> (path: [String], node: Node) {
        let space = try await access.space(spaceId, for: caller, operation: .createDirectory)
        let maxLength = caller.library.settings.maxDirFileNameLength
        let path = try ItemPath.decode(rawTail: rawPath, leaf: .directory, maxNameLength: maxLength)
        guard !path.isRoot else { throw SMHError(.rootDirectoryNotAllowed, "The root directory always exists.") }
        try checkAlbumRules(caller.library, space, depth: path.components.count)
        try description?.validate()
        let metaData = try description?.validatedMetaData(merging: [:])
        let created = try await store.createDirectory(
            in: space, at: path, strategy: strategy, userId: caller.userId, maxNameLength: maxLength, at: clock.now())
        let localTimes = try description?.localTimes() ?? LocalTimes()
        guard let description, description.labels != nil || metaData != nil || localTimes != LocalTimes() else {
            return created
        }
        // Labels, metadata and local times of the body (validated above, so this second step cannot be refused).
        try await store.updateDescription(
            created.node.inode, labels: description.labels, category: nil, metaData: metaData, localTimes: localTimes)
        return (created.path, try await store.node(in: space, at: ItemPath(validated: created.path)) ?? created.node)
    }

    /// D-05: rename or move a directory (or album) with its whole subtree, in one row update.
    public func move(
        _ caller: Caller, space spaceId: String, rawPath: Substring, from: String, fromSpace: String? = nil,
        strategy: ConflictStrategy
    ) async throws -> [String] {
        let (space, sourceSpace, node, target) = try await sourceAndTarget(
            caller, spaceId, rawPath, from: from, fromSpace: fromSpace, field: "from", operation: .moveDirectory)
        if sourceSpace.id != space.id {
            try await store.ensureRoom(caller.library, space, adding: try await store.contentBytes(under: node.inode))
        }
        return try await store.move(
            node, from: sourceSpace, in: space, to: target, strategy: strategy, createParents: true,
            recycleReplaced: false,
            userId: caller.userId, maxNameLength: caller.library.settings.maxDirFileNameLength, at: clock.now())
    }

    /// D-06: copy a directory (or album) with everything in it — in one transaction, or, for a source with more
    /// than `taskAbove` entries, by reserving the target now (conflicts still answered at once) and leaving the
    /// contents to a task.
    public func copy(
        _ caller: Caller, space spaceId: String, rawPath: Substring, from: String, fromSpace: String? = nil,
        strategy: ConflictStrategy, taskAbove: Int? = nil
    ) async throws -> CopyOutcome {
        let (space, _, node, target) = try await sourceAndTarget(
            caller, spaceId, rawPath, from: from, fromSpace: fromSpace, field: "copyFrom", operation: .copyDirectory)
        try await store.ensureRoom(caller.library, space, adding: try await store.contentBytes(under: node.inode))
        let maxLength = caller.library.settings.maxDirFileNameLength
        if let taskAbove, try await store.entryCount(under: node.inode) > taskAbove {
            let (path, root) = try await store.reserveDirectoryCopy(
                node, in: space, to: target, strategy: strategy, userId: caller.userId, maxNameLength: maxLength,
                at: clock.now())
            return .reserved(path: path, source: node.inode, target: root, space: space.id)
        }
        return .done(
            try await store.copyDirectory(
                node, in: space, to: target, strategy: strategy, userId: caller.userId, maxNameLength: maxLength,
                at: clock.now()))
    }

    public enum CopyOutcome: Sendable {
        case done([String])
        /// The target exists; `copyContents` fills it.
        case reserved(path: [String], source: Inode, target: Inode, space: SpaceID)
    }

    /// The task half of a large D-06 copy.
    public func copyContents(
        library: LibraryID, space spaceId: SpaceID, source: Inode, target: Inode, userId: String
    ) async throws {
        guard let space = try await store.space(library: library, id: spaceId) else {
            throw SMHError(.spaceNotFound, "The space of this copy is gone.")
        }
        try await store.copyDirectoryContents(
            from: source, into: target, in: space, userId: userId, at: clock.now())
    }

    /// The checks D-05 and D-06 share: permission, a valid non-root target within the album rules, and a source that
    /// is an existing directory other than the root.
    func sourceAndTarget(
        _ caller: Caller, _ spaceId: String, _ rawPath: Substring, from: String, fromSpace: String?, field: String,
        operation: Operation
    ) async throws -> (space: Space, sourceSpace: Space, source: Node, target: ItemPath) {
        let (space, sourceSpace) = try await access.spaces(
            spaceId, source: fromSpace, for: caller, operation: operation)
        let maxLength = caller.library.settings.maxDirFileNameLength
        let target = try ItemPath.decode(rawTail: rawPath, leaf: .directory, maxNameLength: maxLength)
        guard !target.isRoot else { throw SMHError(.invalidDestinationPath, "The destination cannot be the root.") }
        let source: ItemPath
        do {
            source = try ItemPath.parse(bodyPath: from)
        } catch {
            throw SMHError(.invalidSourceDirectory, "\(field) is not a valid directory path: \(error.message)")
        }
        guard !source.isRoot else {
            throw SMHError(.invalidSourceDirectory, "The root directory cannot be the source.")
        }
        try checkAlbumRules(caller.library, space, depth: target.components.count)
        guard let node = try await store.node(in: sourceSpace, at: source) else {
            throw SMHError(.sourceDirectoryNotFound, "Directory /\(source) does not exist.")
        }
        guard node.kind == .directory else { throw SMHError(.invalidSourceDirectory, "/\(source) is not a directory.") }
        return (space, sourceSpace, node, target)
    }

    public struct Listing: Sendable {
        public let path: [String]
        public let directory: Node
        public let items: [Node]
        public let fileCount: Int
        public let subDirectoryCount: Int
        public let nextMarker: String?

        public init(
            path: [String], directory: Node, items: [Node], fileCount: Int, subDirectoryCount: Int,
            nextMarker: String?
        ) {
            self.path = path
            self.directory = directory
            self.items = items
            self.fileCount = fileCount
            self.subDirectoryCount = subDirectoryCount
            self.nextMarker = nextMarker
        }
    }

    /// D-02: a page of a directory. Memory is bounded by the page, not the directory.
    public func list(_ caller: Caller, space spaceId: String, rawPath: Substring, query: ListingQuery) async throws
        -> Listing
    {
        let space = try await access.space(spaceId, for: caller, operation: .readContent)
        let path = try ItemPath.decode(rawTail: rawPath)
        guard let directory = try await store.node(in: space, at: path), directory.kind == .directory else {
            throw SMHError(.directoryNotFound, "Directory /\(path) does not exist.")
        }
        let mediaOrder = caller.library.settings.libraryType == .media
        var items = try await store.children(of: directory.inode, query: query, mediaOrder: mediaOrder)
        for index in items.indices where items[index].kind == .symlink {
            items[index] = try await store.presentingLink(items[index], in: space)
        }
        var next: String?
        if case .marker(_, let limit) = query.paging, items.count > limit {
            items.removeLast()
            next = items.last.map { ListingOrder.cursor(for: $0, query: query, mediaOrder: mediaOrder).encode() }
        }
        let counts = try await store.childCounts(of: directory)
        return Listing(
            path: path.components, directory: directory, items: items, fileCount: counts.files,
            subDirectoryCount: counts.directories, nextMarker: next)
    }

    /// D-12: the file whose picture stands for an album (album mode) or the whole space (no-album mode): the first
    /// photo or video in the media listing order, newest upload first.
    public func cover(_ caller: Caller, space spaceId: String, rawAlbum: Substring?) async throws -> Node {
        let space = try await access.space(spaceId, for: caller, operation: .readContent)
        guard caller.library.settings.libraryType == .media else {
            throw SMHError(.paramInvalid, "Covers exist in media libraries only.")
        }
        var path = ItemPath.root
        if space.settings.isMultiAlbum {
            guard let rawAlbum else { throw SMHError(.paramInvalid, "Name the album whose cover you want.") }
            path = try ItemPath.decode(rawTail: rawAlbum)
            guard path.components.count == 1 else { throw SMHError(.paramInvalid, "An album name is one segment.") }
        } else if rawAlbum != nil {
            throw SMHError(.paramInvalid, "This space has no albums: ask for its cover without a name.")
        }
        guard let directory = try await store.node(in: space, at: path), directory.kind == .directory else {
            throw SMHError(.directoryNotFound, "Album /\(path) does not exist.")
        }
        let pageSize = 100
        var query = ListingQuery(filter: .onlyFile, paging: .marker(after: nil, limit: pageSize))
        // Media folders hold only photos and videos, so the first page almost always answers; links are skipped.
        for _ in 0..<50 {
            let page = try await store.children(of: directory.inode, query: query, mediaOrder: true)
            if let first = page.prefix(pageSize).first(where: {
                $0.kind == .file && ["image", "video"].contains(FileKinds.fileType(of: $0.name))
            }) {
                return first
            }
            guard page.count > pageSize else { break }
            query.paging = .marker(
                after: ListingOrder.cursor(for: page[pageSize - 1], query: query, mediaOrder: true), limit: pageSize)
        }
        throw SMHError(.fileNotFound, "There is no photo or video here.")
    }

    /// D-10: recursive counts under a directory (`normal`), of its files' history versions (`history`), or of the
    /// recycle bin (`recycle`: the whole bin at the root, else the recycled item `recycled_id`).
    public func stats(
        _ caller: Caller, space spaceId: String, rawPath: Substring, type: String?, recycledId: String?
    ) async throws -> DirectoryStats {
        let space = try await access.space(spaceId, for: caller, operation: .readContent)
        guard let type, ["normal", "recycle", "history"].contains(type) else {
            throw SMHError(.invalidDirectoryStatsType, "stats_type must be normal, recycle or history.")
        }
        let path = try ItemPath.decode(rawTail: rawPath)
        if type == "recycle" {
            let anchor: StatsAnchor
            if let recycledId, !recycledId.isEmpty {
                guard let id = Int64(recycledId), id > 0 else {
                    throw SMHError(.paramInvalid, "recycled_id must be a recycle-bin item id.")
                }
                anchor = .recycledItem(id, caller.library.id, space.id)
            } else {
                guard path.isRoot else {
                    throw SMHError(.paramInvalid, "recycled_id is required below the root.")
                }
                anchor = .recycleBin(caller.library.id, space.id)
            }
            let stats = try await store.subtreeStats(anchor)
            guard stats.found else { throw SMHError(.recycledItemNotFound, "No such recycle-bin item.") }
            return DirectoryStats(
                statsType: type, storage: stats.bytes, fileCount: stats.files, dirCount: stats.directories)
        }
        guard let directory = try await store.node(in: space, at: path), directory.kind == .directory else {
            throw SMHError(.directoryNotFound, "Directory /\(path) does not exist.")
        }
        let stats = try await store.subtreeStats(.directory(directory.inode))
        if type == "history" {
            return DirectoryStats(statsType: type, storage: stats.versionBytes, fileCount: stats.versions, dirCount: 0)
        }
        return DirectoryStats(
            statsType: type, storage: stats.bytes, fileCount: stats.files, dirCount: max(0, stats.directories - 1))
    }

    /// D-03 / D-04: the node at a path (any kind), or `404 PathNotFound`.
    public func info(_ caller: Caller, space spaceId: String, rawPath: Substring) async throws -> (
        path: [String], node: Node
    ) {
        let space = try await access.space(spaceId, for: caller, operation: .readContent)
        let path = try ItemPath.decode(rawTail: rawPath, leaf: .file)
        guard let node = try await store.node(in: space, at: path) else {
            throw SMHError(.pathNotFound, "Nothing exists at /\(path).")
        }
        guard node.kind == .symlink else { return (path.components, node) }
        return (path.components, node.presenting(contentOf: try await store.resolveLink(node, in: space).file))
    }

    /// D-08: into the recycle bin when the library uses one and `permanent` is not asked, else deleted for good.
    /// Returns the recycle item id when recycled.
    public func delete(_ caller: Caller, space spaceId: String, rawPath: Substring, permanent: Bool) async throws
        -> Int64?
    {
        let recycle = caller.library.settings.useRecycleBin && !permanent
        let space = try await access.space(
            spaceId, for: caller,
            operation: .deleteDirectory(permanent: caller.library.settings.useRecycleBin && permanent))
        let path = try ItemPath.decode(rawTail: rawPath)
        guard !path.isRoot else { throw SMHError(.rootDirectoryNotAllowed, "The root directory cannot be deleted.") }
        guard let node = try await store.node(in: space, at: path), node.kind == .directory else {
            throw SMHError(.directoryNotFound, "Directory /\(path) does not exist.")
        }
        return try await store.removeSubtree(
            node, in: space, path: path, recycle: recycle, userId: caller.userId, at: clock.now())
    }

    /// F-20 / D-09: labels, category and metadata of a file or directory; times and eTag stay as they are.
    public func updateDescription(_ caller: Caller, space spaceId: String, rawPath: Substring, patch: DescriptionPatch)
        async throws
    {
        let space = try await access.space(spaceId, for: caller, operation: .spaceAdministration)
        let path = try ItemPath.decode(rawTail: rawPath, leaf: .file)
        guard !path.isRoot, let node = try await store.node(in: space, at: path) else {
            throw SMHError(.fileNotFound, "Nothing exists at /\(path).")
        }
        try patch.validate()
        try await store.updateDescription(
            node.inode, labels: patch.labels, category: patch.category,
            metaData: try patch.validatedMetaData(merging: node.metaData), localTimes: try patch.localTimes())
    }

    /// Spec 20 §6: media libraries hold albums one level deep (album mode) or no directories at all.
    func checkAlbumRules(_ library: Library, _ space: Space, depth: Int) throws(SMHError) {
        guard library.settings.libraryType == .media else { return }
        guard space.settings.isMultiAlbum else {
            throw SMHError(.directoryNotAllowed, "This media space keeps its photos and videos without albums.")
        }
        guard depth <= 1 else {
            throw SMHError(.directoryLevelExceed, "Albums cannot contain directories.")
        }
    }
}
