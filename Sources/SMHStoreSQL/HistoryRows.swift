import SMHCore
import SQLKit

/// SQL for historical versions (spec 30 §4), callable inside any transaction. A version holds its own blob
/// reference and its bytes stay charged to the space, exactly like current content.
enum HistoryRows {
    static func decode(_ row: any SQLRow) throws -> FileVersion {
        FileVersion(
            id: try row.decode(column: "id", as: Int64.self),
            fileInode: Inode(try row.decode(column: "node_id", as: Int64.self)),
            info: VersionInfo(
                number: try row.decode(column: "version_no", as: Int64.self),
                way: VersionInfo.Way(rawValue: try row.decode(column: "creation_way", as: Int.self)) ?? .update,
                contentCreatedAt: Timestamp(milliseconds: try row.decode(column: "created_at", as: Int64.self)),
                contentCreatedBy: try row.decode(column: "creator_user_id", as: String.self),
                latestSince: Timestamp(milliseconds: try row.decode(column: "set_latest_at", as: Int64.self))),
            blobSha256: try row.decode(column: "blob_sha256", as: String.self),
            size: try row.decode(column: "size", as: Int64.self),
            crc64: try row.decode(column: "crc64", as: String?.self),
            eTag: try row.decode(column: "etag", as: String?.self),
            contentType: try row.decode(column: "content_type", as: String.self))
    }

    static func versions(_ db: any SQLDatabase, of file: Inode) async throws -> [FileVersion] {
        try await db.raw("SELECT * FROM versions WHERE node_id = \(bind: file.rawValue) ORDER BY id DESC").all()
            .map(decode)
    }

    static func hasVersions(_ db: any SQLDatabase, _ file: Inode) async throws -> Bool {
        try await db.raw("SELECT id FROM versions WHERE node_id = \(bind: file.rawValue) LIMIT 1").first() != nil
    }

    /// Keeps the file's current content as a historical version (its blob reference moves with it).
    static func keepCurrent(_ db: any SQLDatabase, of node: Node) async throws {
        guard let sha = node.blobSha256 else { return }
        try await db.raw(
            """
            INSERT INTO versions (node_id, blob_sha256, size, crc64, etag, creator_user_id, created_at, version_no,
                                  creation_way, content_type, set_latest_at)
            VALUES (\(bind: node.inode.rawValue), \(bind: sha), \(bind: node.size), \(bind: node.crc64), \(bind: node.eTag),
                    \(bind: node.version.contentCreatedBy), \(bind: node.version.contentCreatedAt.milliseconds),
                    \(bind: node.version.number), \(bind: node.version.way.rawValue), \(bind: node.contentType),
                    \(bind: node.version.latestSince.milliseconds))
            """
        ).run()
    }

    /// The highest version number the file has had.
    static func highestNumber(_ db: any SQLDatabase, _ node: Node) async throws -> Int64 {
        let stored =
            try await db.raw(
                "SELECT CAST(COALESCE(MAX(version_no), 0) AS BIGINT) AS n FROM versions WHERE node_id = \(bind: node.inode.rawValue)"
            ).first()?.decode(column: "n", as: Int64.self) ?? 0
        return max(stored, node.version.number)
    }

    /// Deletes versions, releasing their blobs and their bytes from the space.
    static func delete(_ db: any SQLDatabase, _ versions: [FileVersion], space: Space, at time: Timestamp) async throws
    {
        try await delete(db, versions, library: space.libraryId, space: space.id, at: time)
    }

    static func delete(
        _ db: any SQLDatabase, _ versions: [FileVersion], library: LibraryID, space: SpaceID, at time: Timestamp
    ) async throws {
        var freed: Int64 = 0
        for version in versions {
            try await db.raw("DELETE FROM versions WHERE id = \(bind: version.id)").run()
            try await BlobRows.release(db, sha256: version.blobSha256, at: time)
            freed += version.size
        }
        guard freed > 0 else { return }
        try await SpaceRows.charge(db, library: library, space: space, bytes: -(freed))
    }

    /// Applies the count and expiry limits to one file's versions (oldest go first).
    static func prune(_ db: any SQLDatabase, _ file: Inode, policy: HistoryPolicy, space: Space, at time: Timestamp)
        async throws
    {
        let versions = try await versions(db, of: file)  // newest first
        var doomed = Array(versions.dropFirst(policy.count))
        if policy.expireDays > 0 {
            let cutoff = time.milliseconds - Int64(policy.expireDays) * 86_400_000
            doomed += versions.prefix(policy.count).filter { $0.info.contentCreatedAt.milliseconds < cutoff }
        }
        try await delete(db, doomed, space: space, at: time)
    }
}
