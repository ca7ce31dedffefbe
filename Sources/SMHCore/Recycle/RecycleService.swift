/// The recycle bin of a space (spec 30 §1): list, info, restore (one or many), purge (one, many, all), retention.
public struct RecycleService<Store: RecycleStore & QuotaStore & TokenStore & LibraryStore & SpaceStore>: Sendable {
    public let store: Store
    public let clock: any Clock

    public init(store: Store, clock: any Clock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    var access: AccessService<Store> { AccessService(store: store, clock: clock) }

    /// R9 changes per space at most this often.
    public static var retentionChangeIntervalSeconds: Int64 { 600 }
    public static var maxBatch: Int { 1000 }

    func space(_ caller: Caller, _ spaceId: String, _ operation: Operation) async throws -> Space {
        let space = try await access.space(spaceId, for: caller, operation: operation)
        guard caller.library.settings.useRecycleBin else {
            throw SMHError(.recycleBinNotEnabled, "This library deletes for good; it has no recycle bin.")
        }
        return space
    }

    public func list(
        _ caller: Caller, space spaceId: String, order: RecycleOrder, offset: Int, limit: Int
    ) async throws -> (total: Int, items: [RecycleItem]) {
        let space = try await space(caller, spaceId, .read)
        return try await store.recycledItems(in: space, order: order, offset: offset, limit: limit, now: clock.now())
    }

    public func item(_ caller: Caller, space spaceId: String, id raw: String) async throws -> RecycleItem {
        let space = try await space(caller, spaceId, .read)
        return try await found(try Self.parseId(raw), in: space)
    }

    func found(_ id: Int64, in space: Space) async throws -> RecycleItem {
        guard let item = try await store.recycledItem(id, in: space, now: clock.now()) else {
            throw SMHError(.recycledItemNotFound, "Recycle bin item \(id) does not exist here.")
        }
        return item
    }

    public static func parseId(_ raw: String) throws(SMHError) -> Int64 {
        guard let id = Int64(raw), id > 0 else {
            throw SMHError(.paramInvalid, "A recycle bin item id is a positive integer.")
        }
        return id
    }

    /// R4.
    public func restore(
        _ caller: Caller, space spaceId: String, id raw: String, strategy: ConflictStrategy, fallbackToRoot: Bool
    ) async throws -> [String] {
        let space = try await space(caller, spaceId, .restoreRecycled)
        try await store.ensureRoom(caller.library, space, adding: 0)
        return try await store.restore(
            try Self.parseId(raw), in: space, strategy: strategy, fallbackToRoot: fallbackToRoot,
            maxNameLength: caller.library.settings.maxDirFileNameLength, now: clock.now())
    }

    public struct Outcome: Sendable {
        public let id: Int64
        public let path: [String]?
        public let error: SMHError?
    }

    /// R5: in order, each on its own; a name conflict always renames.
    public func restore(_ caller: Caller, space spaceId: String, ids: [Int64], fallbackToRoot: Bool) async throws
        -> [Outcome]
    {
        let space = try await checkRestore(caller, space: spaceId, ids: ids)
        var outcomes: [Outcome] = []
        for id in ids {
            do {
                let path = try await store.restore(
                    id, in: space, strategy: .rename, fallbackToRoot: fallbackToRoot,
                    maxNameLength: caller.library.settings.maxDirFileNameLength, now: clock.now())
                outcomes.append(Outcome(id: id, path: path, error: nil))
            } catch let error as SMHError {
                outcomes.append(Outcome(id: id, path: nil, error: error))
            }
        }
        return outcomes
    }

    /// What R5 refuses as a whole — permission, the number of items, a space over quota — before any item runs or
    /// a task is queued for them.
    @discardableResult
    public func checkRestore(_ caller: Caller, space spaceId: String, ids: [Int64]) async throws -> Space {
        let space = try await space(caller, spaceId, .restoreRecycled)
        try Self.checkBatch(ids)
        try await store.ensureRoom(caller.library, space, adding: 0)
        return space
    }

    static func checkBatch(_ ids: [Int64]) throws(SMHError) {
        guard !ids.isEmpty else { throw SMHError(.noItemsProvided, "The list of items is empty.") }
        guard ids.count <= maxBatch else { throw SMHError(.tooManyItems, "At most \(maxBatch) items at once.") }
    }

    /// R6: one item, which must exist.
    public func delete(_ caller: Caller, space spaceId: String, id raw: String) async throws {
        let space = try await space(caller, spaceId, .deleteRecycled)
        let item = try await found(try Self.parseId(raw), in: space)
        _ = try await store.purgeRecycled([item.id], in: space, now: clock.now())
    }

    /// R7: several; unknown ids are skipped.
    public func delete(_ caller: Caller, space spaceId: String, ids: [Int64]) async throws {
        let space = try await space(caller, spaceId, .deleteRecycled)
        try Self.checkBatch(ids)
        _ = try await store.purgeRecycled(ids, in: space, now: clock.now())
    }

    /// R8.
    public func empty(_ caller: Caller, space spaceId: String) async throws {
        let space = try await space(caller, spaceId, .deleteRecycled)
        _ = try await store.purgeRecycled(nil, in: space, now: clock.now())
    }

    /// R9: 1 … 10000 days, at most one change per space every ten minutes.
    public func setRetention(_ caller: Caller, space spaceId: String, days: Int64) async throws {
        let space = try await space(caller, spaceId, .spaceAdministration)
        guard (1...10_000).contains(days) else {
            throw SMHError(.paramInvalid, "retentionDays must be 1 to 10000.")
        }
        let now = clock.now()
        try await store.setRecycleRetention(
            days, in: space, now: now, lastChangeBefore: now.adding(seconds: -Self.retentionChangeIntervalSeconds))
    }
}
