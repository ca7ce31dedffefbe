import SMHCore
import SQLKit

/// SQL over whole subtrees, through one recursive CTE (the same text on both engines).
enum SubtreeRows {
    /// Releases the blob references and the quota usage held by every file and history version of a subtree that
    /// is about to be deleted for good. The rows themselves go with the root (`ON DELETE CASCADE` on `parent_id`).
    static func releaseContent(_ db: any SQLDatabase, root: Inode, space: Space, at time: Timestamp) async throws {
        let rows = try await db.raw(
            """
            WITH RECURSIVE subtree(id) AS (
                SELECT CAST(\(bind: root.rawValue) AS BIGINT)
                UNION ALL
                SELECT n.id FROM nodes n JOIN subtree s ON n.parent_id = s.id
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
            try await db.raw(
                """
                UPDATE spaces SET used_bytes = used_bytes - \(bind: freed)
                WHERE library_id = \(bind: space.libraryId.rawValue) AND id = \(bind: space.id.rawValue)
                """
            ).run()
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
        try await releaseContent(db, root: node.inode, space: space, at: time)
        try await db.raw("DELETE FROM nodes WHERE id = \(bind: node.inode.rawValue)").run()
        return nil
    }
}
