/// The tenant-space use cases of spec 10 §3.
public struct SpaceService<Store: QuotaStore & TokenStore & LibraryStore & SpaceStore>: Sendable {
    public let store: Store
    public let clock: any Clock

    public init(store: Store, clock: any Clock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    var access: AccessService<Store> { AccessService(store: store, clock: clock) }

    /// Creates a tenant space, with a custom id when one is given.
    public func create(_ caller: Caller, customId: String?, body: SpaceExtensionPatch) async throws -> SpaceID {
        try caller.requireMultiSpace()
        try caller.require(.createSpace)
        var settings = SpaceExtension()
        try body.apply(to: &settings, creating: true)
        if let customId, !customId.isEmpty {
            let id = try Space.validateCustomId(customId)
            guard
                try await store.insertSpace(
                    library: caller.library.id, id: id, userId: caller.userId, settings: settings, at: clock.now())
            else {
                throw SMHError(.spaceIdInvalid, "Space \(id) already exists.")
            }
            return id
        }
        for _ in 0..<5 {
            let id = Space.generateId()
            if try await store.insertSpace(
                library: caller.library.id, id: id, userId: caller.userId, settings: settings, at: clock.now())
            {
                return id
            }
        }
        throw SMHError.internalError(SpaceIdExhausted())
    }

    public struct Page: Sendable {
        public let spaces: [Space]
        public let nextMarker: String?
    }

    /// One page of spaces in ascending id order. Admins and space admins see all; others their own (spec 10 §3.3).
    public func list(_ caller: Caller, marker: String?, limit: Int?, prefix: String?, startName: String?)
        async throws -> Page
    {
        try caller.requireCredentials()
        try caller.requireMultiSpace()
        let limit = limit ?? 1000
        guard (1...1000).contains(limit) else { throw SMHError(.paramInvalid, "limit must be between 1 and 1000.") }
        var after: SpaceID? = startName.flatMap { $0.isEmpty ? nil : SpaceID($0) }
        if let marker, !marker.isEmpty {
            guard let last = SpaceMarker.decode(marker) else {
                throw SMHError(.markerNotFound, "The marker is not one this server issued.")
            }
            after = last
        }
        let owner = caller.token.allows(.listAllSpaces) ? nil : caller.userId
        var spaces = try await store.spaces(
            library: caller.library.id, owner: owner, after: after, prefix: prefix.flatMap { $0.isEmpty ? nil : $0 },
            limit: limit + 1)
        var next: String?
        if spaces.count > limit {
            spaces.removeLast()
            next = spaces.last.map { SpaceMarker.encode($0.id) }
        }
        return Page(spaces: spaces, nextMarker: next)
    }

    /// Every visible space without paging (the legacy list of spec 10 §3.4), fetched page by page.
    public func listAll(_ caller: Caller) async throws -> [Space] {
        var all: [Space] = []
        var marker: String?
        repeat {
            let page = try await list(caller, marker: marker, limit: 1000, prefix: nil, startName: nil)
            all += page.spaces
            marker = page.nextMarker
        } while marker != nil
        return all
    }

    public func delete(_ caller: Caller, spaceId: String, force: Bool) async throws {
        try caller.requireCredentials()
        try caller.requireMultiSpace()
        guard spaceId != SpaceID.singleTenant.rawValue else {
            throw SMHError(.notMultiSpaceLibrary, "The space '-' cannot be deleted.")
        }
        let space = try await access.space(spaceId, for: caller, operation: .deleteSpace)
        switch try await store.deleteSpace(library: caller.library.id, id: space.id, force: force) {
        case .deleted: return
        case .notFound: throw SMHError(.spaceNotFound, "Space \(spaceId) does not exist.")
        case .notEmpty: throw SMHError(.spaceNotEmpty, "Space \(spaceId) is not empty; delete it with force=1.")
        }
    }

    public func settings(_ caller: Caller, spaceId: String) async throws -> SpaceExtension {
        try await access.space(spaceId, for: caller, operation: .read).settings
    }

    public func updateSettings(_ caller: Caller, spaceId: String, patch: SpaceExtensionPatch) async throws {
        let space = try await access.space(spaceId, for: caller, operation: .updateSpaceExtension)
        var settings = space.settings
        try patch.apply(to: &settings, creating: false)
        if caller.library.settings.multiSpace {
            guard try await store.updateSpaceExtension(library: caller.library.id, id: space.id, settings: settings)
            else {
                throw SMHError(.spaceNotFound, "Space \(spaceId) does not exist.")
            }
        } else {
            // Space `-` of a single-tenant library: its extension is the library's settings (spec 10 §3.7).
            var library = caller.library.settings
            settings.apply(to: &library)
            try library.validate()
            guard try await store.updateLibrary(caller.library.id, settings: library, at: clock.now()) else {
                throw SMHError(.libraryNotFound, "Library \(caller.library.id) does not exist.")
            }
        }
    }

    public func count(_ caller: Caller) async throws -> Int {
        try caller.requireCredentials()
        try caller.requireMultiSpace()
        return try await store.countSpaces(library: caller.library.id)
    }

    public func size(_ caller: Caller, spaceId: String) async throws -> Int64 {
        // Read afresh: the space row of the access check may come from a cache.
        let space = try await access.space(spaceId, for: caller, operation: .read)
        return try await store.usedBytes(library: caller.library.id, spaces: [space.id])
    }

    /// Spec 10 §3.15 (Java `getStats`): bytes used per space tag, summed over the spaces carrying it; one tag when
    /// asked (0 when no space carries it). Untagged spaces are not listed. Pages through the spaces.
    public func sizeByTag(_ caller: Caller, tag: String?) async throws -> [(tag: String, size: Int64)] {
        try caller.require(.libraryAdministration)
        var sums: [String: Int64] = [:]
        if let tag { sums[tag] = 0 }
        var after: SpaceID?
        let pageSize = 500
        while true {
            let page = try await store.spaces(
                library: caller.library.id, owner: nil, after: after, prefix: nil, limit: pageSize)
            for space in page {
                guard let spaceTag = space.settings.spaceTag, tag == nil || spaceTag == tag else { continue }
                sums[spaceTag, default: 0] += space.usedBytes
            }
            guard page.count == pageSize, let last = page.last else { break }
            after = last.id
        }
        return sums.sorted { $0.key < $1.key }.map { (tag: $0.key, size: $0.value) }
    }

    /// Spec 10 §3.10: entries of a space — `files` counts recycled files and history versions too, `directories`
    /// recycled ones (the root is not an entry). Admins and space admins.
    public func fileCounts(_ caller: Caller, spaceId: String) async throws -> SpaceFileCounts {
        let space = try await access.space(spaceId, for: caller, operation: .spaceAdministration)
        return try await store.fileCounts(library: caller.library.id, space: space.id)
    }

    public struct LibraryUsage: Sendable {
        public let totalFileSize: Int64
        public let capacity: Int64?
        public let availableSpace: Int64?
        public let totalAllocatedSpaceQuota: Int64
    }

    /// Spec 10 §3.13: usage against the library quota, and the capacity allocated to space quotas.
    public func libraryUsage(_ caller: Caller) async throws -> LibraryUsage {
        try caller.require(.libraryAdministration)
        let used = try await store.libraryUsedBytes(library: caller.library.id)
        let capacity = caller.library.settings.enableQuota ? caller.library.settings.libraryQuota : nil
        return LibraryUsage(
            totalFileSize: used, capacity: capacity, availableSpace: capacity.map { max(0, $0 - used) },
            totalAllocatedSpaceQuota: try await store.allocatedQuota(library: caller.library.id))
    }

    public struct SpaceUsage: Sendable {
        public let spaceId: SpaceID
        public let capacity: Int64?
        public let availableSpace: Int64?
        public let size: Int64
    }

    /// Spec 10 §3.14: admins for any space, space admins for the spaces of their scope, nobody else.
    public func spaceUsage(_ caller: Caller, spaceIds: String) async throws -> [SpaceUsage] {
        let ids = spaceIds.split(separator: ",").map(String.init).filter { !$0.isEmpty }
        guard !ids.isEmpty else { throw SMHError(.emptySpaceId, "At least one space id is required.") }
        guard ids.count <= 1000 else { throw SMHError(.paramInvalid, "At most 1000 space ids at once.") }
        try caller.require(.spaceAdministration)
        var result: [SpaceUsage] = []
        for id in ids {
            let space = try await access.space(id, for: caller, operation: .spaceAdministration)
            let size = try await store.usedBytes(library: caller.library.id, spaces: [space.id])
            // A shared quota's free space is what all its spaces have left together.
            if let quota = try await store.quota(library: caller.library.id, space: space.id) {
                let used = try await store.usedBytes(library: caller.library.id, spaces: quota.spaces)
                result.append(
                    SpaceUsage(
                        spaceId: space.id, capacity: quota.capacity, availableSpace: max(0, quota.capacity - used),
                        size: size))
            } else {
                result.append(SpaceUsage(spaceId: space.id, capacity: nil, availableSpace: nil, size: size))
            }
        }
        return result
    }
}

struct SpaceIdExhausted: Error, CustomStringConvertible {
    var description: String { "five generated space ids in a row were taken" }
}

/// Opaque paging markers for the space list: the last id returned, hex-encoded behind a version letter.
enum SpaceMarker {
    static func encode(_ id: SpaceID) -> String { "s" + Array(id.rawValue.utf8).hexString }

    static func decode(_ marker: String) -> SpaceID? {
        guard marker.first == "s", marker.utf8.count <= 201 else { return nil }
        guard marker.utf8.count > 1, let bytes = Hex.decode(marker.dropFirst()) else { return nil }
        return String(validating: bytes, as: UTF8.self).map { SpaceID($0) }
    }
}

/// Spec 10 §3.10: how many entries a space holds, the recycle bin and history included.
public struct SpaceFileCounts: Sendable, Equatable {
    public var files: Int64
    public var directories: Int64
    public var recycledFiles: Int64
    public var recycledDirectories: Int64
    public var historyVersions: Int64

    public init(
        files: Int64, directories: Int64, recycledFiles: Int64, recycledDirectories: Int64,
        historyVersions: Int64
    ) {
        self.files = files
        self.directories = directories
        self.recycledFiles = recycledFiles
        self.recycledDirectories = recycledDirectories
        self.historyVersions = historyVersions
    }
}
