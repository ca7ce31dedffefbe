import SMHCore
import SQLKit

extension SQLStore: HistoryStore {
    public func versions(of file: Inode) async throws -> [FileVersion] {
        try await read { db in try await HistoryRows.versions(db, of: file) }
    }

    public func version(_ id: Int64, in space: Space) async throws -> FileVersion? {
        try await read { db in try await Self.version(db, id, in: space) }
    }

    static func version(_ db: any SQLDatabase, _ id: Int64, in space: Space) async throws -> FileVersion? {
        try await db.raw(
            """
            SELECT v.* FROM versions v JOIN nodes n ON n.id = v.node_id
            WHERE v.id = \(bind: id) AND n.library_id = \(bind: space.libraryId.rawValue)
                AND n.space_id = \(bind: space.id.rawValue) AND n.state = 'live'
            """
        ).first().map(HistoryRows.decode)
    }

    public func setLatest(_ id: Int64, in space: Space, policy: HistoryPolicy?, at time: Timestamp) async throws
        -> Node
    {
        try await transaction { db in
            guard let version = try await Self.version(db, id, in: space),
                let file = try await NodeRows.byId(db, version.fileInode)
            else {
                throw SMHError(.directoryHistoryNotFound, "History version \(id) does not exist here.")
            }
            // Both blob references just change hands; the space holds the same bytes as before.
            try await HistoryRows.keepCurrent(db, of: file)
            try await db.raw("DELETE FROM versions WHERE id = \(bind: id)").run()
            guard
                let updated = try await db.raw(
                    """
                    UPDATE nodes SET blob_sha256 = \(bind: version.blobSha256), size = \(bind: version.size),
                        crc64 = \(bind: version.crc64), etag = \(bind: version.eTag), content_type = \(bind: version.contentType),
                        updated_at = \(bind: time.milliseconds), version_no = \(bind: version.info.number), version_way = 2,
                        content_created_at = \(bind: version.info.contentCreatedAt.milliseconds),
                        content_created_by = \(bind: version.info.contentCreatedBy), latest_since = \(bind: time.milliseconds)
                    WHERE id = \(bind: file.inode.rawValue) RETURNING *
                    """
                ).first().map(NodeRows.decode)
            else { throw SMHError.internalError(StoreInvariant("file vanished")) }
            if let parent = file.parent { try await NodeRows.touch(db, parent, at: time) }
            if let policy { try await HistoryRows.prune(db, file.inode, policy: policy, space: space, at: time) }
            return updated
        }
    }

    public func deleteVersions(_ ids: [Int64], in space: Space, at time: Timestamp) async throws {
        try await transaction { db in
            var found: [FileVersion] = []
            for id in Set(ids) {
                if let version = try await Self.version(db, id, in: space) { found.append(version) }
            }
            try await HistoryRows.delete(db, found, space: space, at: time)
        }
    }

    @discardableResult
    public func clearHistory(library: LibraryID, at time: Timestamp) async throws -> Int {
        try await pruneVersions(library: library, olderThan: nil, at: time)
    }

    public func pruneExpiredVersions(library: LibraryID, days: Int, now: Timestamp) async throws -> Int {
        try await pruneVersions(
            library: library, olderThan: Timestamp(milliseconds: now.milliseconds - Int64(days) * 86_400_000), at: now)
    }

    func pruneVersions(library: LibraryID, olderThan cutoff: Timestamp?, at time: Timestamp) async throws -> Int {
        try await transaction { db in
            let rows = try await db.raw(
                """
                SELECT v.*, n.space_id AS file_space FROM versions v JOIN nodes n ON n.id = v.node_id
                WHERE n.library_id = \(bind: library.rawValue)
                    AND (\(bind: cutoff == nil) OR v.created_at < \(bind: cutoff?.milliseconds ?? 0))
                """
            ).all()
            var bySpace: [String: [FileVersion]] = [:]
            for row in rows {
                bySpace[try row.decode(column: "file_space", as: String.self), default: []].append(
                    try HistoryRows.decode(row))
            }
            for (spaceId, versions) in bySpace {
                try await HistoryRows.delete(db, versions, library: library, space: SpaceID(spaceId), at: time)
            }
            return rows.count
        }
    }
}
