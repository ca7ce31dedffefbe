/// Historical versions (spec 30 §4): the library's rules (H1, H2), a file's versions (H4), restoring one as the
/// latest (H5), deleting some (H6).
public struct HistoryService<Store: HistoryStore & NamespaceStore & TokenStore & LibraryStore & SpaceStore>: Sendable {
    public let store: Store
    public let clock: any Clock

    public init(store: Store, clock: any Clock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    var access: AccessService<Store> { AccessService(store: store, clock: clock) }

    /// H1.
    public func settings(_ caller: Caller) throws(SMHError) -> LibrarySettings {
        try caller.require(.libraryAdministration)
        return caller.library.settings
    }

    public struct Patch: Sendable {
        public var enableFileHistory: Bool?
        public var fileHistoryCount: Int?
        public var fileHistoryExpireDay: Int?
        public var mergeInterval: Int?
        public var isClearFileHistory: Bool?

        public init(
            enableFileHistory: Bool?, fileHistoryCount: Int?, fileHistoryExpireDay: Int?, mergeInterval: Int?,
            isClearFileHistory: Bool?
        ) {
            self.enableFileHistory = enableFileHistory
            self.fileHistoryCount = fileHistoryCount
            self.fileHistoryExpireDay = fileHistoryExpireDay
            self.mergeInterval = mergeInterval
            self.isClearFileHistory = isClearFileHistory
        }
    }

    /// H2: fields not sent keep their value; while history is off the numbers are not checked (the iOS SDK sends
    /// zeros), and `isClearFileHistory` removes every historical version.
    public func update(_ caller: Caller, _ patch: Patch) async throws {
        try caller.require(.libraryAdministration)
        var settings = caller.library.settings
        if let value = patch.enableFileHistory { settings.enableFileHistory = value }
        if settings.enableFileHistory {
            if let value = patch.fileHistoryCount { settings.fileHistoryCount = value }
            if let value = patch.fileHistoryExpireDay { settings.fileHistoryExpireDay = value }
            if let value = patch.mergeInterval { settings.fileHistoryMergeInterval = value }
            guard (1...999).contains(settings.fileHistoryCount) else {
                throw SMHError(.invalidFileHistoryCount, "fileHistoryCount must be between 1 and 999.")
            }
            guard (0...999).contains(settings.fileHistoryExpireDay) else {
                throw SMHError(.invalidFileHistoryExpireDay, "fileHistoryExpireDay must be between 0 and 999.")
            }
            guard settings.fileHistoryMergeInterval == 0 || (5...600).contains(settings.fileHistoryMergeInterval) else {
                throw SMHError(.invalidFileHistoryMergeInterval, "mergeInterval must be 0 or between 5 and 600.")
            }
        }
        _ = try await store.updateLibrary(caller.library.id, settings: settings, at: clock.now())
        if !settings.enableFileHistory, patch.isClearFileHistory == true {
            try await store.clearHistory(library: caller.library.id, at: clock.now())
        }
    }

    /// H3, checked before its task is queued: admins only, and history must be off first (spec 30 H3).
    public func checkEmpty(_ caller: Caller) throws(SMHError) {
        try caller.require(.libraryAdministration)
        guard !caller.library.settings.enableFileHistory else {
            throw SMHError(.paramInvalid, "Turn file history off (enableFileHistory false) before emptying it.")
        }
    }

    /// H3, as its task runs: every historical version of the library goes, current contents stay; returns the count.
    public func empty(library: LibraryID) async throws -> Int {
        try await store.clearHistory(library: library, at: clock.now())
    }

    /// H4: the latest version first, then the historical ones in the asked order.
    public func versions(_ caller: Caller, space spaceId: String, rawPath: Substring) async throws -> (
        file: Node, versions: [FileVersion]
    ) {
        let space = try await access.space(spaceId, for: caller, operation: .read)
        let path = try ItemPath.decode(rawTail: rawPath, leaf: .file)
        guard !path.isRoot, let file = try await store.node(in: space, at: path), file.kind == .file else {
            throw SMHError(.fileNotFound, "File /\(path) does not exist.")
        }
        return (file, try await store.versions(of: file.inode))
    }

    /// H5.
    public func setLatest(_ caller: Caller, space spaceId: String, id raw: String) async throws -> (
        path: [String], file: Node
    ) {
        let space = try await access.space(spaceId, for: caller, operation: .setHistoryLatest)
        guard let id = Int64(raw), id > 0 else { throw SMHError(.paramInvalid, "A history id is a positive integer.") }
        let file = try await store.setLatest(
            id, in: space, policy: HistoryPolicy(caller.library.settings), at: clock.now())
        return (try await store.locate(file.inode, in: space)?.path ?? [file.name], file)
    }

    /// H6: 1 to 100 ids.
    public func delete(_ caller: Caller, space spaceId: String, ids: [Int64]) async throws {
        let space = try await access.space(spaceId, for: caller, operation: .deleteHistory)
        guard !ids.isEmpty else { throw SMHError(.paramInvalid, "List at least one history id.") }
        guard ids.count <= 100 else { throw SMHError(.tooManyItems, "At most 100 history ids at once.") }
        try await store.deleteVersions(ids, in: space, at: clock.now())
    }
}
