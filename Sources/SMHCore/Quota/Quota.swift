/// A space quota (spec 10 §4.1): a capacity shared by one or more spaces of a library.
public struct Quota: Sendable, Hashable {
    public let id: Int64
    public var spaces: [SpaceID]
    public var capacity: Int64
    public var removeWhenExceed: Bool
    public var removeAfterDays: Int64
    public var removeNewest: Bool

    public init(
        id: Int64, spaces: [SpaceID], capacity: Int64, removeWhenExceed: Bool, removeAfterDays: Int64,
        removeNewest: Bool
    ) {
        self.id = id
        self.spaces = spaces
        self.capacity = capacity
        self.removeWhenExceed = removeWhenExceed
        self.removeAfterDays = removeAfterDays
        self.removeNewest = removeNewest
    }
}

/// What a create or update body gives (absent = unchanged on update).
public struct QuotaPatch: Sendable {
    public var spaces: [String]?
    public var capacity: Int64?
    public var removeWhenExceed: Bool?
    public var removeAfterDays: Int64?
    public var removeNewest: Bool?

    public init(
        spaces: [String]? = nil, capacity: Int64? = nil, removeWhenExceed: Bool? = nil, removeAfterDays: Int64? = nil,
        removeNewest: Bool? = nil
    ) {
        self.spaces = spaces
        self.capacity = capacity
        self.removeWhenExceed = removeWhenExceed
        self.removeAfterDays = removeAfterDays
        self.removeNewest = removeNewest
    }
}

/// Persistence of quotas. A space in two quotas is refused with `DuplicateQuota` inside the transaction.
public protocol QuotaStore: Sendable {
    func createQuota(library: LibraryID, _ quota: Quota, at time: Timestamp) async throws -> Int64
    func quota(library: LibraryID, id: Int64) async throws -> Quota?
    func quota(library: LibraryID, space: SpaceID) async throws -> Quota?
    /// Replaces the quota's fields and (when given) its set of spaces.
    func updateQuota(library: LibraryID, _ quota: Quota, replacingSpaces: Bool) async throws
    /// The capacities of all the library's quotas, added up.
    func allocatedQuota(library: LibraryID) async throws -> Int64
    /// Bytes used by all the spaces of a quota.
    func usedBytes(library: LibraryID, spaces: [SpaceID]) async throws -> Int64
}
