import SMHCore
import SQLKit

extension SQLStore: RecentStore {
    public func recordUses(_ uses: [RecentUse]) async throws {
        guard !uses.isEmpty else { return }
        // Light: a use lost in a crash is a recent-list entry missing, nothing more.
        try await lightTransaction { db in
            for use in uses {
                try await db.raw(
                    """
                    INSERT INTO recent_uses (library_id, space_id, user_id, node_id, action, used_at)
                    SELECT \(bind: use.libraryId.rawValue), \(bind: use.spaceId.rawValue), \(bind: use.userId),
                           \(bind: use.inode.rawValue), \(bind: use.action.rawValue), \(bind: use.at.milliseconds)
                    WHERE EXISTS (SELECT 1 FROM nodes WHERE id = \(bind: use.inode.rawValue))
                    ON CONFLICT (library_id, space_id, user_id, node_id)
                    DO UPDATE SET action = excluded.action, used_at = excluded.used_at
                    WHERE excluded.used_at >= recent_uses.used_at
                    """
                ).run()
            }
        }
    }

    public func recentUses(
        library: LibraryID, space: SpaceID, userId: String, action: RecentUse.Action?, after: (Int64, Int64)?,
        limit: Int
    ) async throws -> [RecentUse] {
        var sql: SQLQueryString = """
            SELECT node_id, action, used_at FROM recent_uses
            WHERE library_id = \(bind: library.rawValue) AND space_id = \(bind: space.rawValue)
            AND user_id = \(bind: userId)
            """
        if let action {
            sql.appendInterpolation(unsafeRaw: " AND action = ")
            sql.appendInterpolation(bind: action.rawValue)
        }
        if let (time, inode) = after {
            sql.appendInterpolation(unsafeRaw: " AND (used_at < ")
            sql.appendInterpolation(bind: time)
            sql.appendInterpolation(unsafeRaw: " OR (used_at = ")
            sql.appendInterpolation(bind: time)
            sql.appendInterpolation(unsafeRaw: " AND node_id < ")
            sql.appendInterpolation(bind: inode)
            sql.appendInterpolation(unsafeRaw: "))")
        }
        sql.appendInterpolation(unsafeRaw: " ORDER BY used_at DESC, node_id DESC LIMIT \(max(0, limit))")
        let query = sql
        return try await read { db in
            try await db.raw(query).all().compactMap { row in
                guard let action = RecentUse.Action(rawValue: try row.decode(column: "action", as: String.self))
                else { return nil }
                return RecentUse(
                    libraryId: library, spaceId: space, userId: userId,
                    inode: Inode(try row.decode(column: "node_id", as: Int64.self)), action: action,
                    at: Timestamp(milliseconds: try row.decode(column: "used_at", as: Int64.self)))
            }
        }
    }
}
