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
            let sha = try row.decode(column: "blob_sha256", as: String.self)
            let uses = try row.decode(column: "uses", as: Int64.self)
            freed += try row.decode(column: "bytes", as: Int64.self)
            try await db.raw(
                """
                UPDATE blobs SET refcount = refcount - \(bind: uses),
                    unreferenced_since = CASE WHEN refcount - \(bind: uses) <= 0 THEN \(bind: time.milliseconds) ELSE NULL END
                WHERE sha256 = \(bind: sha)
                """
            ).run()
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
}
