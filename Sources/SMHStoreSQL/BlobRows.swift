import SMHCore
import SQLKit

/// Reference counting of blobs in the `blobs` table, callable inside any transaction.
///
/// A blob row exists while the bytes exist; `refcount` counts the nodes, versions and upload sessions using it. A
/// blob whose count drops to zero keeps its row with `unreferenced_since` set, and a background job deletes the
/// bytes after a grace period (so an instant upload or copy racing the drop can still take a reference).
public enum BlobRows {
    /// Adds one reference, creating the row for content seen the first time.
    public static func retain(_ db: any SQLDatabase, _ digest: ContentDigest, at time: Timestamp) async throws {
        try await db.raw(
            """
            INSERT INTO blobs (sha256, size, md5, crc64, beginning_hash, refcount, unreferenced_since, created_at)
            VALUES (\(bind: digest.sha256), \(bind: digest.size), \(bind: digest.md5), \(bind: String(digest.crc64)),
                    \(bind: digest.beginningHash), 1, NULL, \(bind: time.milliseconds))
            ON CONFLICT (sha256) DO UPDATE SET refcount = blobs.refcount + 1, unreferenced_since = NULL
            """
        ).run()
    }

    /// Drops one reference and returns the count left (nil when the blob is unknown).
    @discardableResult
    public static func release(_ db: any SQLDatabase, sha256: String, at time: Timestamp) async throws -> Int64? {
        let row = try await db.raw(
            """
            UPDATE blobs SET refcount = refcount - 1,
                unreferenced_since = CASE WHEN refcount - 1 <= 0 THEN \(bind: time.milliseconds) ELSE NULL END
            WHERE sha256 = \(bind: sha256) AND refcount > 0
            RETURNING refcount
            """
        ).first()
        return try row?.decode(column: "refcount", as: Int64.self)
    }

    /// The stored digest of a blob, or nil when unknown.
    public static func digest(_ db: any SQLDatabase, sha256: String) async throws -> ContentDigest? {
        guard let row = try await db.raw("SELECT * FROM blobs WHERE sha256 = \(bind: sha256)").first() else {
            return nil
        }
        return try decode(row)
    }

    static func decode(_ row: any SQLRow) throws -> ContentDigest {
        ContentDigest(
            sha256: try row.decode(column: "sha256", as: String.self),
            md5: try row.decode(column: "md5", as: String.self),
            crc64: UInt64(try row.decode(column: "crc64", as: String.self)) ?? 0,
            size: try row.decode(column: "size", as: Int64.self),
            beginningHash: try row.decode(column: "beginning_hash", as: String?.self))
    }

    /// Instant upload (spec 20 §2.2): a blob of this size and hashes that some node of the space uses (live or in
    /// the recycle bin), so content is only ever matched against what the same space already holds.
    static func findInSpace(
        _ db: any SQLDatabase, space: Space, size: Int64, beginningHash: String?, fullHash: String?
    ) async throws -> ContentDigest? {
        var sql = SQLQueryString("SELECT b.* FROM blobs b WHERE b.size = \(bind: size) AND b.refcount > 0")
        if let fullHash {
            sql.appendInterpolation(unsafeRaw: " AND b.sha256 = ")
            sql.appendInterpolation(bind: fullHash)
        }
        if let beginningHash {
            sql.appendInterpolation(unsafeRaw: " AND b.beginning_hash = ")
            sql.appendInterpolation(bind: beginningHash)
        }
        sql.appendInterpolation(
            unsafeRaw: " AND EXISTS (SELECT 1 FROM nodes n WHERE n.blob_sha256 = b.sha256 AND n.library_id = ")
        sql.appendInterpolation(bind: space.libraryId.rawValue)
        sql.appendInterpolation(unsafeRaw: " AND n.space_id = ")
        sql.appendInterpolation(bind: space.id.rawValue)
        sql.appendInterpolation(unsafeRaw: ") LIMIT 1")
        return try await db.raw(sql).first().map(decode)
    }

    public static func refcount(_ db: any SQLDatabase, sha256: String) async throws -> Int64? {
        try await db.raw("SELECT refcount FROM blobs WHERE sha256 = \(bind: sha256)").first()?
            .decode(column: "refcount", as: Int64.self)
    }

    /// Releases every reference held by the nodes and versions of a library (or of one of its spaces) that is about
    /// to be deleted.
    static func releaseAll(_ db: any SQLDatabase, library: LibraryID, space: SpaceID? = nil) async throws {
        let now = SystemClock().now().milliseconds
        let spaceFilter = space?.rawValue ?? ""
        let everySpace = space == nil
        let rows = try await db.raw(
            """
            SELECT blob_sha256, COUNT(*) AS uses FROM (
                SELECT blob_sha256 FROM nodes WHERE library_id = \(bind: library.rawValue) AND blob_sha256 IS NOT NULL
                    AND (\(bind: everySpace) OR space_id = \(bind: spaceFilter))
                UNION ALL
                SELECT v.blob_sha256 FROM versions v JOIN nodes n ON n.id = v.node_id
                WHERE n.library_id = \(bind: library.rawValue) AND (\(bind: everySpace) OR n.space_id = \(bind: spaceFilter))
            ) refs GROUP BY blob_sha256
            """
        ).all()
        for row in rows {
            try await release(
                db, sha256: try row.decode(column: "blob_sha256", as: String.self),
                references: try row.decode(column: "uses", as: Int64.self), at: Timestamp(milliseconds: now))
        }
    }

    /// Drops several references at once (a subtree or a library going away); the bytes stay for the collector.
    static func release(_ db: any SQLDatabase, sha256: String, references: Int64, at time: Timestamp) async throws {
        try await db.raw(
            """
            UPDATE blobs SET refcount = refcount - \(bind: references),
                unreferenced_since = CASE WHEN refcount - \(bind: references) <= 0 THEN \(bind: time.milliseconds)
                    ELSE NULL END
            WHERE sha256 = \(bind: sha256)
            """
        ).run()
    }
}
