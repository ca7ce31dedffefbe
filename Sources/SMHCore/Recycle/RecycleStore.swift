/// Persistence of recycle bins. Every mutating method is one transaction.
public protocol RecycleStore: Sendable {
    /// Items of a space not yet expired at `now`, in `order`, from `offset`; with the total count.
    func recycledItems(in space: Space, order: RecycleOrder, offset: Int, limit: Int, now: Timestamp) async throws
        -> (total: Int, items: [RecycleItem])
    func recycledItem(_ id: Int64, in space: Space, now: Timestamp) async throws -> RecycleItem?
    /// Puts an item back at its original path (or under the root when the parent is missing and `fallbackToRoot`),
    /// the links recycled with it too. `overwrite` replaces a file there for good. Returns the final path.
    func restore(
        _ id: Int64, in space: Space, strategy: ConflictStrategy, fallbackToRoot: Bool, maxNameLength: Int,
        now: Timestamp
    ) async throws -> [String]
    /// Deletes items for good with everything they hold; unknown ids are skipped. Nil deletes every item.
    func purgeRecycled(_ ids: [Int64]?, in space: Space, now: Timestamp) async throws -> Int
    /// Deletes, in every space, up to `limit` items whose retention ran out.
    func purgeExpiredRecycled(now: Timestamp, limit: Int) async throws -> Int
    /// R9: the space's own retention; items already in the bin only ever get more time. Refused with
    /// `SetRecycleLifecycleFrequencyLimit` when the last change is later than `lastChangeBefore`.
    func setRecycleRetention(_ days: Int64, in space: Space, now: Timestamp, lastChangeBefore: Timestamp) async throws
}
