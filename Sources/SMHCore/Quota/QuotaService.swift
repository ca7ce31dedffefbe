/// Space quotas (spec 10 §4): create, read, update, and the check every write that adds bytes goes through.
public struct QuotaService<Store: QuotaStore & TokenStore & LibraryStore & SpaceStore>: Sendable {
    public let store: Store
    public let clock: any Clock

    public init(store: Store, clock: any Clock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    var access: AccessService<Store> { AccessService(store: store, clock: clock) }

    /// 4.3.
    public func create(_ caller: Caller, _ patch: QuotaPatch) async throws -> Int64 {
        try caller.require(.libraryAdministration)
        guard let capacity = patch.capacity else {
            throw SMHError(.quotaCapacityRequired, "capacity is required.")
        }
        let spaces = try await spaceIds(caller, patch.spaces, required: true)
        try await checkCapacity(caller, capacity, spaces: spaces)
        let quota = Quota(
            id: 0, spaces: spaces, capacity: capacity, removeWhenExceed: patch.removeWhenExceed ?? false,
            removeAfterDays: patch.removeAfterDays ?? 0, removeNewest: patch.removeNewest ?? false)
        try Self.validate(quota)
        return try await store.createQuota(library: caller.library.id, quota, at: clock.now())
    }

    /// The spaces a body names: required in multi-tenant libraries, refused in single-tenant ones (`["-"]`).
    func spaceIds(_ caller: Caller, _ given: [String]?, required: Bool) async throws -> [SpaceID] {
        guard caller.library.settings.multiSpace else {
            guard given == nil else {
                throw SMHError(.quotaSpacesInvalid, "A single-tenant library's quota covers its one space.")
            }
            return [.singleTenant]
        }
        guard let given else {
            if required { throw SMHError(.quotaSpacesRequired, "spaces is required in a multi-tenant library.") }
            return []
        }
        guard !given.isEmpty, given.count <= 1000 else {
            throw SMHError(.quotaSpacesInvalid, "spaces lists 1 to 1000 space ids.")
        }
        var ids: [SpaceID] = []
        for raw in given where !ids.contains(SpaceID(raw)) {
            guard try await store.space(library: caller.library.id, id: SpaceID(raw)) != nil else {
                throw SMHError(.spaceNotFound, "Space \(raw) does not exist.")
            }
            ids.append(SpaceID(raw))
        }
        return ids
    }

    func checkCapacity(_ caller: Caller, _ capacity: Int64, spaces: [SpaceID]) async throws {
        guard capacity >= 0 else { throw SMHError(.quotaCapacityInvalid, "capacity is a non-negative integer.") }
        if caller.library.settings.denyOnQuotaLessThanUsage {
            let used = try await store.usedBytes(library: caller.library.id, spaces: spaces)
            if capacity < used {
                throw SMHError(.quotaCapacityLessThanSize, "The spaces already hold \(used) bytes.")
            }
        }
    }

    static func validate(_ quota: Quota) throws(SMHError) {
        guard quota.removeAfterDays >= 0 else {
            throw SMHError(.paramInvalid, "removeAfterDays is a non-negative integer.")
        }
    }

    /// Resolves `/quota/{LibraryId}/{X}` (spec 10 §4.1): a space (`-` or an existing id), else a numeric quota id.
    public enum Target: Sendable {
        case space(Space)
        case id(Int64)
    }

    public func target(_ caller: Caller, _ raw: String) async throws -> Target {
        try caller.require(.libraryAdministration)
        if raw == "-" || !raw.allSatisfy(\.isNumber) {
            return .space(try await access.space(raw, for: caller, operation: .libraryAdministration))
        }
        if let space = try await store.space(library: caller.library.id, id: SpaceID(raw)) { return .space(space) }
        guard let id = Int64(raw) else { throw SMHError(.quotaNotFound, "No quota \(raw).") }
        return .id(id)
    }

    /// 4.4 / 4.5.
    public func quota(_ caller: Caller, _ target: Target) async throws -> Quota {
        switch target {
        case .space(let space):
            guard let quota = try await store.quota(library: caller.library.id, space: space.id) else {
                throw SMHError(.noQuota, "Space \(space.id.rawValue) has no quota.")
            }
            return quota
        case .id(let id):
            guard let quota = try await store.quota(library: caller.library.id, id: id) else {
                throw SMHError(.quotaNotFound, "No quota \(id).")
            }
            return quota
        }
    }

    /// 4.6 / 4.7: the space form may not change the set of spaces.
    public func update(_ caller: Caller, _ target: Target, _ patch: QuotaPatch) async throws {
        var quota = try await quota(caller, target)
        if case .space = target {
            guard patch.capacity != nil else { throw SMHError(.quotaCapacityRequired, "capacity is required.") }
        }
        var replacing = false
        if case .id = target, patch.spaces != nil {
            quota.spaces = try await spaceIds(caller, patch.spaces, required: false)
            replacing = true
        }
        if let capacity = patch.capacity {
            try await checkCapacity(caller, capacity, spaces: quota.spaces)
            quota.capacity = capacity
        }
        if let value = patch.removeWhenExceed { quota.removeWhenExceed = value }
        if let value = patch.removeAfterDays { quota.removeAfterDays = value }
        if let value = patch.removeNewest { quota.removeNewest = value }
        try Self.validate(quota)
        try await store.updateQuota(library: caller.library.id, quota, replacingSpaces: replacing)
    }
}

extension QuotaStore where Self: SpaceStore {
    /// The check of every write that adds `bytes` to a space (spec 10 §4.1): the library quota
    /// (`LibraryQuotaLimitReached`), then the space's quota (`QuotaLimitReached`). With `bytes == 0` it refuses only
    /// a space already over its quota (what a recycle-bin restore checks).
    public func ensureRoom(_ library: Library, _ space: Space, adding bytes: Int64) async throws {
        if library.settings.enableQuota, let limit = library.settings.libraryQuota, bytes > 0 {
            let used = try await libraryUsedBytes(library: library.id)
            if used > limit - bytes {
                throw SMHError(
                    .libraryQuotaLimitReached, "The library holds \(used) of \(limit) bytes; \(bytes) more do not fit.")
            }
        }
        guard let quota = try await quota(library: library.id, space: space.id) else { return }
        let used = try await usedBytes(library: library.id, spaces: quota.spaces)
        if bytes > 0 ? used > quota.capacity - bytes : used > quota.capacity {
            throw SMHError(
                .quotaLimitReached,
                "The space's quota holds \(used) of \(quota.capacity) bytes; \(bytes) more do not fit.")
        }
    }
}
