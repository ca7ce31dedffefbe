import SMHCore
import SQLKit

extension SQLStore: IntegrityStore {
    public func recount() async throws -> (report: IntegrityReport, referenced: [String]) {
        try await read { db in
            // Every stored byte of a space counts once per file or version row: live, in the recycle bin, or below a
            // recycled directory (spec 10 §4.1).
            let spaces = try await db.raw(
                """
                SELECT s.library_id, s.id, s.used_bytes,
                    CAST(COALESCE(f.bytes, 0) + COALESCE(v.bytes, 0) AS BIGINT) AS actual
                FROM spaces s
                LEFT JOIN (SELECT library_id, space_id, SUM(size) AS bytes FROM nodes
                           WHERE kind = 'file' AND blob_sha256 IS NOT NULL GROUP BY library_id, space_id) f
                    ON f.library_id = s.library_id AND f.space_id = s.id
                LEFT JOIN (SELECT n.library_id, n.space_id, SUM(v.size) AS bytes FROM versions v
                           JOIN nodes n ON n.id = v.node_id GROUP BY n.library_id, n.space_id) v
                    ON v.library_id = s.library_id AND v.space_id = s.id
                WHERE s.used_bytes <> CAST(COALESCE(f.bytes, 0) + COALESCE(v.bytes, 0) AS BIGINT)
                ORDER BY s.library_id, s.id
                """
            ).all().map {
                IntegrityReport.SpaceDrift(
                    library: LibraryID(try $0.decode(column: "library_id", as: String.self)),
                    space: SpaceID(try $0.decode(column: "id", as: String.self)),
                    recorded: try $0.decode(column: "used_bytes", as: Int64.self),
                    actual: try $0.decode(column: "actual", as: Int64.self))
            }
            let blobs = try await db.raw(
                """
                SELECT b.sha256, b.refcount, CAST(COALESCE(r.uses, 0) AS BIGINT) AS actual FROM blobs b
                LEFT JOIN (SELECT blob_sha256, COUNT(*) AS uses FROM (
                               SELECT blob_sha256 FROM nodes WHERE blob_sha256 IS NOT NULL
                               UNION ALL SELECT blob_sha256 FROM versions) refs
                           GROUP BY blob_sha256) r ON r.blob_sha256 = b.sha256
                WHERE b.refcount <> COALESCE(r.uses, 0)
                ORDER BY b.sha256
                """
            ).all().map {
                IntegrityReport.BlobDrift(
                    sha256: try $0.decode(column: "sha256", as: String.self),
                    recorded: try $0.decode(column: "refcount", as: Int64.self),
                    actual: try $0.decode(column: "actual", as: Int64.self))
            }
            let referenced = try await db.raw(
                """
                SELECT DISTINCT blob_sha256 FROM (
                    SELECT blob_sha256 FROM nodes WHERE blob_sha256 IS NOT NULL
                    UNION ALL SELECT blob_sha256 FROM versions) refs
                """
            ).all().map { try $0.decode(column: "blob_sha256", as: String.self) }
            return (IntegrityReport(spaces: spaces, blobs: blobs), referenced)
        }
    }

    public func repair(_ report: IntegrityReport, at time: Timestamp) async throws {
        try await transaction { db in
            for drift in report.spaces {
                try await db.raw(
                    """
                    UPDATE spaces SET used_bytes = \(bind: drift.actual)
                    WHERE library_id = \(bind: drift.library.rawValue) AND id = \(bind: drift.space.rawValue)
                    """
                ).run()
            }
            for drift in report.blobs {
                let since: Int64? = drift.actual > 0 ? nil : time.milliseconds
                try await db.raw(
                    """
                    UPDATE blobs SET refcount = \(bind: drift.actual), unreferenced_since = \(bind: since)
                    WHERE sha256 = \(bind: drift.sha256)
                    """
                ).run()
            }
        }
    }

    /// The addresses among these that have a blob record (referenced or awaiting collection).
    public func recordedBlobs(among addresses: [String]) async throws -> Set<String> {
        guard !addresses.isEmpty else { return [] }
        var sql: SQLQueryString = "SELECT sha256 FROM blobs WHERE sha256 IN ("
        sql += addresses.map { "\(bind: $0)" }.joined(separator: ", ")
        sql += ")"
        let query = sql
        return try await read { db in
            Set(try await db.raw(query).all().map { try $0.decode(column: "sha256", as: String.self) })
        }
    }
}
