import Foundation
import SMHCore
import SQLKit

extension SQLStore: RecycleStore {
    static let recycleColumns = """
        r.id AS recycle_id, r.space_id AS recycle_space, r.original_path, r.recycled_at, r.expires_at, n.*
        """

    static func decodeRecycleItem(_ row: any SQLRow) throws -> RecycleItem {
        RecycleItem(
            id: try row.decode(column: "recycle_id", as: Int64.self),
            spaceId: SpaceID(try row.decode(column: "recycle_space", as: String.self)),
            node: try NodeRows.decode(row),
            originalPath: (try? JSONDecoder().decode(
                [String].self, from: Data(try row.decode(column: "original_path", as: String.self).utf8))) ?? [],
            recycledAt: Timestamp(milliseconds: try row.decode(column: "recycled_at", as: Int64.self)),
            expiresAt: try row.decode(column: "expires_at", as: Int64?.self).map { Timestamp(milliseconds: $0) })
    }

    static func liveItems(_ space: Space, now: Timestamp) -> SQLQueryString {
        """
        FROM recycle_items r JOIN nodes n ON n.id = r.node_id
        WHERE r.library_id = \(bind: space.libraryId.rawValue) AND r.space_id = \(bind: space.id.rawValue)
            AND (r.expires_at IS NULL OR r.expires_at > \(bind: now.milliseconds))
        """
    }

    public func recycledItems(in space: Space, order: RecycleOrder, offset: Int, limit: Int, now: Timestamp)
        async throws -> (total: Int, items: [RecycleItem])
    {
        let direction = order.descending ? "DESC" : "ASC"
        let orderBy: String
        switch order.key {
        case nil: orderBy = "r.recycled_at DESC, r.id DESC"
        case .name: orderBy = "n.name \(direction), r.id"
        case .modificationTime: orderBy = "n.updated_at \(direction), r.id"
        case .size: orderBy = "n.size \(direction), r.id"
        case .removalTime: orderBy = "r.recycled_at \(direction), r.id"
        // Items that never expire sort after every item that does.
        case .remainingTime:
            orderBy = "CASE WHEN r.expires_at IS NULL THEN 1 ELSE 0 END \(direction), r.expires_at \(direction), r.id"
        }
        var page = SQLQueryString("SELECT \(unsafeRaw: Self.recycleColumns) ")
        page.appendInterpolation(Self.liveItems(space, now: now))
        page.appendInterpolation(unsafeRaw: " ORDER BY \(orderBy) LIMIT \(max(0, limit)) OFFSET \(max(0, offset))")
        var count = SQLQueryString("SELECT CAST(COUNT(*) AS BIGINT) AS total ")
        count.appendInterpolation(Self.liveItems(space, now: now))
        let (pageQuery, countQuery) = (page, count)
        return try await read { db in
            let total = try await db.raw(countQuery).first()?.decode(column: "total", as: Int.self) ?? 0
            let items = limit > 0 ? try await db.raw(pageQuery).all().map(Self.decodeRecycleItem) : []
            return (total, items)
        }
    }

    public func recycledItem(_ id: Int64, in space: Space, now: Timestamp) async throws -> RecycleItem? {
        try await read { db in try await Self.recycledItem(db, id, in: space, now: now) }
    }

    static func recycledItem(_ db: any SQLDatabase, _ id: Int64, in space: Space, now: Timestamp) async throws
        -> RecycleItem?
    {
        var sql = SQLQueryString("SELECT \(unsafeRaw: recycleColumns) ")
        sql.appendInterpolation(liveItems(space, now: now))
        sql.appendInterpolation(unsafeRaw: " AND r.id = ")
        sql.appendInterpolation(bind: id)
        return try await db.raw(sql).first().map(decodeRecycleItem)
    }

    public func restore(
        _ id: Int64, in space: Space, strategy: ConflictStrategy, fallbackToRoot: Bool, maxNameLength: Int,
        now: Timestamp
    ) async throws -> [String] {
        try await transaction { db in
            guard let item = try await Self.recycledItem(db, id, in: space, now: now) else {
                throw SMHError(.recycledItemNotFound, "Recycle bin item \(id) does not exist here.")
            }
            let node = item.node
            if node.kind == .symlink {
                guard let target = node.linkTarget,
                    try await db.raw(
                        "SELECT id FROM nodes WHERE id = \(bind: target.rawValue) AND state = 'live'"
                    ).first() != nil
                else {
                    throw SMHError(.sourceFileNotFound, "The target of this symbolic link no longer exists.")
                }
            }
            var parentPath = Array(item.originalPath.dropLast())
            var parent = try await NodeRows.resolve(db, space: space, path: ItemPath(validated: parentPath))
            if parent?.kind != .directory {
                guard fallbackToRoot else {
                    throw SMHError(
                        .directoryNotFound, "The original directory /\(parentPath.joined(separator: "/")) is gone.")
                }
                parentPath = []
                parent = try await NodeRows.byId(db, space.rootInode)
            }
            guard let parent else { throw SMHError.internalError(StoreInvariant("space without root")) }
            // The replaced file is discarded, as an overwriting upload would (spec 30 R4).
            var conflict = NameConflict(
                strategy, wanted: node.name, incomingIsDirectory: node.kind == .directory,
                maxNameLength: maxNameLength,
                replaceable: node.kind == .directory ? NameConflict.nothing : NameConflict.onlyFilesAndLinks)
            let (name, _) = try await Self.placeEntry(db, in: parent.inode, &conflict) { name in
                try await Self.ifFree(db, in: parent.inode, name) {
                    try await db.raw(
                        """
                        UPDATE nodes SET state = 'live', parent_id = \(bind: parent.inode.rawValue), name = \(bind: name)
                        WHERE id = \(bind: node.inode.rawValue)
                        """
                    ).run()
                }
            } replace: { existing in
                if try await HistoryRows.hasVersions(db, existing.inode) {
                    throw SMHError(
                        .overwriteFileNotAllowed, "'\(existing.name)' has history versions; it cannot be overwritten.")
                }
                try await NodeRows.touch(db, parent.inode, at: now)
                try await SubtreeRows.purge(db, root: existing.inode, space: space, at: now)
                return nil
            }
            try await db.raw("DELETE FROM recycle_items WHERE id = \(bind: id)").run()
            try await NodeRows.touch(db, parent.inode, at: now)
            try await Self.restoreLinks(db, recycledWith: node.inode, maxNameLength: maxNameLength, now: now)
            return parentPath + [name]
        }
    }

    /// The links that went to the recycle bin with a file come back with it, renamed if their name was taken.
    static func restoreLinks(_ db: any SQLDatabase, recycledWith target: Inode, maxNameLength: Int, now: Timestamp)
        async throws
    {
        let links = try await db.raw(
            "SELECT * FROM nodes WHERE recycled_with = \(bind: target.rawValue) AND state = 'recycled' ORDER BY id"
        ).all().map(NodeRows.decode)
        for link in links {
            guard let parent = link.parent else { continue }
            var conflict = NameConflict(
                .rename, wanted: link.name, incomingIsDirectory: false, maxNameLength: maxNameLength)
            _ = try await placeEntry(db, in: parent, &conflict) { name in
                try await ifFree(db, in: parent, name) {
                    try await db.raw(
                        """
                        UPDATE nodes SET state = 'live', recycled_with = NULL, name = \(bind: name)
                        WHERE id = \(bind: link.inode.rawValue)
                        """
                    ).run()
                }
            }
            try await NodeRows.touch(db, parent, at: now)
        }
    }

    public func purgeRecycled(_ ids: [Int64]?, in space: Space, now: Timestamp) async throws -> Int {
        try await transaction { db in
            var sql: SQLQueryString = """
                SELECT r.id, r.node_id FROM recycle_items r
                WHERE r.library_id = \(bind: space.libraryId.rawValue) AND r.space_id = \(bind: space.id.rawValue)
                """
            if let ids {
                guard !ids.isEmpty else { return 0 }
                sql.appendInterpolation(unsafeRaw: " AND r.id IN (")
                for (index, id) in ids.enumerated() {
                    if index > 0 { sql.appendInterpolation(unsafeRaw: ", ") }
                    sql.appendInterpolation(bind: id)
                }
                sql.appendInterpolation(unsafeRaw: ")")
            }
            let rows = try await db.raw(sql).all()
            for row in rows {
                try await SubtreeRows.purge(
                    db, root: Inode(try row.decode(column: "node_id", as: Int64.self)), space: space, at: now)
            }
            return rows.count
        }
    }

    public func purgeExpiredRecycled(now: Timestamp, limit: Int) async throws -> Int {
        let expired = try await read { db in
            try await db.raw(
                """
                SELECT r.id, r.library_id, r.space_id FROM recycle_items r
                WHERE r.expires_at IS NOT NULL AND r.expires_at <= \(bind: now.milliseconds)
                LIMIT \(unsafeRaw: String(limit))
                """
            ).all().map {
                (
                    try $0.decode(column: "id", as: Int64.self),
                    LibraryID(try $0.decode(column: "library_id", as: String.self)),
                    SpaceID(try $0.decode(column: "space_id", as: String.self))
                )
            }
        }
        var purged = 0
        for (id, library, spaceId) in expired {
            guard let space = try await space(library: library, id: spaceId) else { continue }
            purged += try await purgeRecycled([id], in: space, now: now)
        }
        return purged
    }

    public func setRecycleRetention(_ days: Int64, in space: Space, now: Timestamp, lastChangeBefore: Timestamp)
        async throws
    {
        try await transaction { db in
            let row = try await db.raw(
                """
                SELECT recycle_days, recycle_days_changed_at FROM spaces
                WHERE library_id = \(bind: space.libraryId.rawValue) AND id = \(bind: space.id.rawValue)
                """
            ).first()
            if let changed = try row?.decode(column: "recycle_days_changed_at", as: Int64?.self),
                changed > lastChangeBefore.milliseconds
            {
                throw SMHError(
                    .setRecycleLifecycleFrequencyLimit,
                    "The retention of a space changes at most once every 10 minutes.")
            }
            try await db.raw(
                """
                UPDATE spaces SET recycle_days = \(bind: days), recycle_days_changed_at = \(bind: now.milliseconds)
                WHERE library_id = \(bind: space.libraryId.rawValue) AND id = \(bind: space.id.rawValue)
                """
            ).run()
            // Items already in the bin get the longer retention, never a shorter one (spec 30 R9).
            try await db.raw(
                """
                UPDATE recycle_items SET expires_at = recycled_at + \(bind: days * 86_400_000)
                WHERE library_id = \(bind: space.libraryId.rawValue) AND space_id = \(bind: space.id.rawValue)
                    AND expires_at IS NOT NULL AND expires_at < recycled_at + \(bind: days * 86_400_000)
                """
            ).run()
        }
    }

    /// Days an item recycled now stays in the bin: the space's own value (R9), else the library's; 0 = forever.
    func recycleRetentionDays(_ space: Space) async throws -> Int64 {
        let own = try await read { db in
            try await db.raw(
                """
                SELECT recycle_days FROM spaces
                WHERE library_id = \(bind: space.libraryId.rawValue) AND id = \(bind: space.id.rawValue)
                """
            ).first()?.decode(column: "recycle_days", as: Int64?.self)
        }
        if let own { return own }
        return Int64(try await library(space.libraryId)?.settings.autoRemoveRecycledDays ?? 0)
    }
}
