/// Persistence of recent uses. Rows go with their file (deleted for good) by the schema.
public protocol RecentStore: Sendable {
    /// Upserts: one row per (library, space, user, file), the latest use wins.
    func recordUses(_ uses: [RecentUse]) async throws
    /// A user's uses in a space, newest first, after `after` (time, inode) when given; `limit` rows at most.
    func recentUses(
        library: LibraryID, space: SpaceID, userId: String, action: RecentUse.Action?, after: (Int64, Int64)?,
        limit: Int
    ) async throws -> [RecentUse]
}
