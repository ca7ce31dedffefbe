import SMHCore
import SQLKit

/// SQL over whole subtrees, through one recursive CTE (the same text on both engines).
enum SubtreeRows {
    /// The recursive step of a subtree walk. It stops at descendants that went to the recycle bin on their own: they
    /// are recycle items of their own, whose content stays charged and which outlive their old parent.
    static let childStep = """
        SELECT n.id FROM nodes n JOIN subtree s ON n.parent_id = s.id
        WHERE n.state = 'live' OR n.recycled_with IS NOT NULL
        """

    /// Releases the blob references and the quota usage held by every file and history version of a subtree that
    /// is about to be deleted for good. The rows themselves go with the root (`ON DELETE CASCADE` on `parent_id`).
    static func releaseContent(_ db: any SQLDatabase, root: Inode, space: Space, at time: Timestamp) async throws {
        let rows = try await db.raw(
            """
            WITH RECURSIVE subtree(id) AS (
                SELECT CAST(\(bind: root.rawValue) AS BIGINT)
                UNION ALL
                \(unsafeRaw: Self.childStep)
            )
            SELECT blob_sha256, CAST(COUNT(*) AS BIGINT) AS uses, CAST(SUM(size) AS BIGINT) AS bytes FROM (
                SELECT n.blob_sha256, n.size FROM nodes n JOIN subtree s ON n.id = s.id
                WHERE n.blob_sha256 IS NOT NULL AND n.kind = 'file'
                UNION ALL
                SELECT v.blob_sha256, v.size FROM versions v JOIN subtree s ON v.node_id = s.id
            ) refs GROUP BY blob_sha256
            """
        ).all()
        var freed: Int64 = 0
        for row in rows {
            freed += try row.decode(column: "bytes", as: Int64.self)
            try await BlobRows.release(
                db, sha256: try row.decode(column: "blob_sha256", as: String.self),
                references: try row.decode(column: "uses", as: Int64.self), at: time)
        }
        if freed > 0 {
            try await SpaceRows.charge(db, library: space.libraryId, space: space.id, bytes: -(freed))
        }
    }

    /// Takes a live node (and everything below it) out of the namespace: into the recycle bin, O(1) whatever the
    /// size, or deleted for good with its content released. Returns the recycle item id when recycled.
    static func remove(
        _ db: any SQLDatabase, _ node: Node, in space: Space, path: [String], recycle: Bool, retentionDays: Int64,
        userId: String, at time: Timestamp
    ) async throws -> Int64? {
        if let parent = node.parent { try await NodeRows.touch(db, parent, at: time) }
        if recycle {
            try await db.raw("UPDATE nodes SET state = 'recycled' WHERE id = \(bind: node.inode.rawValue)").run()
            if node.kind != .directory { try await recycleIncomingLinks(db, of: node.inode, at: time) }
            let expires: Int64? = retentionDays > 0 ? time.milliseconds + retentionDays * 86_400_000 : nil
            let row = try await db.raw(
                """
                INSERT INTO recycle_items (library_id, space_id, node_id, original_parent_id, original_path,
                                           recycled_by, recycled_at, expires_at)
                VALUES (\(bind: space.libraryId.rawValue), \(bind: space.id.rawValue), \(bind: node.inode.rawValue),
                        \(bind: node.parent?.rawValue), \(bind: try SQLStore.encodeJSON(path)), \(bind: userId),
                        \(bind: time.milliseconds), \(bind: expires))
                RETURNING id
                """
            ).first()
            return try row?.decode(column: "id", as: Int64.self)
        }
        try await purge(db, root: node.inode, space: space, at: time)
        return nil
    }

    /// Deletes a subtree for good (live or recycled): its content released, the links anywhere that lead into it
    /// deleted with it (spec 20 F-19 rules 4 and 5; SMH may do that later, OpenSMH does it in the same transaction).
    static func purge(_ db: any SQLDatabase, root: Inode, space: Space, at time: Timestamp) async throws {
        try await releaseContent(db, root: root, space: space, at: time)
        let links = try await db.raw(
            """
            WITH RECURSIVE subtree(id) AS (
                SELECT CAST(\(bind: root.rawValue) AS BIGINT)
                UNION ALL
                \(unsafeRaw: Self.childStep)
            ), links(id) AS (
                SELECT n.id FROM nodes n JOIN subtree s ON n.link_target_id = s.id WHERE n.kind = 'symlink'
                UNION
                SELECT n.id FROM nodes n JOIN links l ON n.link_target_id = l.id WHERE n.kind = 'symlink'
            )
            SELECT n.id, n.parent_id, n.state FROM nodes n JOIN links l ON n.id = l.id
            """
        ).all()
        try await delete(db, links, at: time)
        // Recycle items below keep their place in the bin (restored by path, spec 30 R4): detach them from the rows
        // that are about to go, so the cascade on `parent_id` does not take them along.
        try await db.raw(
            """
            WITH RECURSIVE subtree(id) AS (
                SELECT CAST(\(bind: root.rawValue) AS BIGINT)
                UNION ALL
                \(unsafeRaw: Self.childStep)
            )
            UPDATE nodes SET parent_id = NULL
            WHERE state = 'recycled' AND recycled_with IS NULL AND parent_id IN (SELECT id FROM subtree)
            """
        ).run()
        try await db.raw("DELETE FROM nodes WHERE id = \(bind: root.rawValue)").run()
    }

    /// Live links to a file or link that goes to the recycle bin go with it, marked with its inode so that restoring
    /// it brings exactly them back (spec 20 F-19 rule 4). Links to links are followed.
    static func recycleIncomingLinks(_ db: any SQLDatabase, of target: Inode, at time: Timestamp) async throws {
        let links = try await db.raw(
            """
            WITH RECURSIVE links(id) AS (
                SELECT id FROM nodes WHERE link_target_id = \(bind: target.rawValue) AND kind = 'symlink'
                    AND state = 'live'
                UNION
                SELECT n.id FROM nodes n JOIN links l ON n.link_target_id = l.id
                WHERE n.kind = 'symlink' AND n.state = 'live'
            )
            SELECT n.id, n.parent_id FROM nodes n JOIN links l ON n.id = l.id
            """
        ).all()
        for row in links {
            let id = try row.decode(column: "id", as: Int64.self)
            try await db.raw(
                """
                UPDATE nodes SET state = 'recycled', recycled_with = \(bind: target.rawValue)
                WHERE id = \(bind: id) AND state = 'live'
                """
            ).run()
            if let parent = try row.decode(column: "parent_id", as: Int64?.self) {
                try await NodeRows.touch(db, Inode(parent), at: time)
            }
        }
    }

    /// Deletes link rows (no content to release: links hold none), touching the directories that listed them.
    static func delete(_ db: any SQLDatabase, _ links: [any SQLRow], at time: Timestamp) async throws {
        var touched = Set<Int64>()
        for row in links {
            let id = try row.decode(column: "id", as: Int64.self)
            if try row.decode(column: "state", as: String.self) == "live",
                let parent = try row.decode(column: "parent_id", as: Int64?.self), touched.insert(parent).inserted
            {
                try await NodeRows.touch(db, Inode(parent), at: time)
            }
            try await db.raw("DELETE FROM nodes WHERE id = \(bind: id)").run()
        }
    }

    /// Moves a subtree — live and recycled nodes, their recycle-bin rows and (through the nodes) their history — to
    /// another space of the library, and moves the bytes they count with it (what `fsck` recounts: files with
    /// content, and versions).
    static func changeSpace(_ db: any SQLDatabase, _ root: Inode, from source: Space, to target: Space) async throws {
        let subtree: SQLQueryString = """
            WITH RECURSIVE sub(id) AS (
                SELECT CAST(\(bind: root.rawValue) AS BIGINT)
                UNION ALL
                SELECT n.id FROM nodes n JOIN sub ON n.parent_id = sub.id
            )
            """
        let bytes =
            try await db.raw(
                subtree
                    + """
                     SELECT CAST(
                        COALESCE((SELECT SUM(size) FROM nodes WHERE id IN (SELECT id FROM sub) AND kind = 'file'
                                  AND blob_sha256 IS NOT NULL), 0)
                        + COALESCE((SELECT SUM(size) FROM versions WHERE node_id IN (SELECT id FROM sub)), 0)
                        AS BIGINT) AS bytes
                    """
            ).first()?.decode(column: "bytes", as: Int64.self) ?? 0
        try await db.raw(
            subtree
                + """
                 UPDATE nodes SET space_id = \(bind: target.id.rawValue) WHERE id IN (SELECT id FROM sub)
                """
        ).run()
        try await db.raw(
            subtree
                + """
                 UPDATE recycle_items SET space_id = \(bind: target.id.rawValue) WHERE node_id IN (SELECT id FROM sub)
                """
        ).run()
        try await SpaceRows.charge(db, library: source.libraryId, space: source.id, bytes: -bytes)
        try await SpaceRows.charge(db, library: target.libraryId, space: target.id, bytes: bytes)
    }
}
