import Foundation
import SMHCore
import SQLKit

/// SQL for single rows of the `nodes` table, callable inside any transaction.
enum NodeRows {
    static func decode(_ row: any SQLRow) throws -> Node {
        if let positional = row as? any PositionalSQLRow, let node = try decodePositional(positional) { return node }
        return try decode(NamedNodeColumns(row: row))
    }

    private static func decodePositional<Row: PositionalSQLRow>(_ row: Row) throws -> Node? {
        guard let layout = row.columns.nodeLayout else { return nil }
        return try decode(PositionalNodeColumns(row: row, layout: layout))
    }

    static func decode<Row: NodeColumnReader>(_ row: Row) throws -> Node {
        let labels = try row.read(.labels, as: String.self)
        return Node(
            inode: Inode(try row.read(.id, as: Int64.self)),
            parent: try row.read(.parentId, as: Int64?.self).map { Inode($0) },
            name: try row.read(.name, as: String.self),
            kind: Node.Kind(rawValue: try row.read(.kind, as: String.self)) ?? .file,
            size: try row.read(.size, as: Int64.self),
            contentType: try row.read(.contentType, as: String.self),
            crc64: try row.read(.crc64, as: String?.self),
            eTag: try row.read(.etag, as: String?.self),
            labels: labels == "[]" ? [] : (try? JSONDecoder().decode([String].self, from: Data(labels.utf8))) ?? [],
            category: try row.read(.category, as: String.self),
            blobSha256: try row.read(.blobSha256, as: String?.self),
            metaData: decodeMeta(try row.read(.meta, as: String.self)),
            creatorUserId: try row.read(.creatorUserId, as: String.self),
            createdAt: Timestamp(milliseconds: try row.read(.createdAt, as: Int64.self)),
            updatedAt: Timestamp(milliseconds: try row.read(.updatedAt, as: Int64.self)),
            linkTarget: try row.read(.linkTargetId, as: Int64?.self).map { Inode($0) },
            localTimes: LocalTimes(
                created: try row.read(.localCreatedAt, as: Int64?.self).map { Timestamp(milliseconds: $0) },
                modified: try row.read(.localModifiedAt, as: Int64?.self).map { Timestamp(milliseconds: $0) }),
            version: try decodeVersion(row))
    }

    /// Most nodes have no metadata: `{}` needs no JSON decoder.
    static func decodeMeta(_ text: String) -> [String: String] {
        text == "{}" ? [:] : (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }

    /// The version columns, with the node's own facts where they are NULL (rows written before history existed).
    static func decodeVersion(_ row: any SQLRow) throws -> VersionInfo {
        try decodeVersion(NamedNodeColumns(row: row))
    }

    static func decodeVersion<Row: NodeColumnReader>(_ row: Row) throws -> VersionInfo {
        let updated = try row.read(.updatedAt, as: Int64.self)
        return VersionInfo(
            number: try row.read(.versionNo, as: Int64?.self) ?? 1,
            way: VersionInfo.Way(rawValue: try row.read(.versionWay, as: Int?.self) ?? 0) ?? .create,
            contentCreatedAt: Timestamp(milliseconds: try row.read(.contentCreatedAt, as: Int64?.self) ?? updated),
            contentCreatedBy: try row.read(.contentCreatedBy, as: String?.self)
                ?? (try row.read(.creatorUserId, as: String.self)),
            latestSince: Timestamp(milliseconds: try row.read(.latestSince, as: Int64?.self) ?? updated))
    }

    static func byId(_ db: any SQLDatabase, _ inode: Inode) async throws -> Node? {
        try await db.raw("SELECT * FROM nodes WHERE id = \(bind: inode.rawValue)").first().map(decode)
    }

    static func liveChild(_ db: any SQLDatabase, parent: Inode, name: String) async throws -> Node? {
        try await db.raw(
            "SELECT * FROM nodes WHERE parent_id = \(bind: parent.rawValue) AND name = \(bind: name) AND state = 'live'"
        ).first().map(decode)
    }

    /// Inserts a directory unless the name is taken; nil when it is. `ON CONFLICT … DO NOTHING` against the partial
    /// unique index makes the check and the insert one atomic step, also between PostgreSQL transactions.
    static func insertDirectory(
        _ db: any SQLDatabase, space: Space, parent: Inode, name: String, userId: String, at time: Timestamp
    ) async throws -> Node? {
        try await db.raw(
            """
            INSERT INTO nodes (library_id, space_id, parent_id, name, kind, creator_user_id, created_at, updated_at)
            VALUES (\(bind: space.libraryId.rawValue), \(bind: space.id.rawValue), \(bind: parent.rawValue),
                    \(bind: name), 'dir', \(bind: userId), \(bind: time.milliseconds), \(bind: time.milliseconds))
            ON CONFLICT (parent_id, name) WHERE state = 'live' DO NOTHING
            RETURNING *
            """
        ).first().map(decode)
    }

    /// Marks a directory's listing as changed: its modification time (and so its eTag) moves strictly forward.
    static func touch(_ db: any SQLDatabase, _ directory: Inode, at time: Timestamp) async throws {
        try await db.raw(
            """
            UPDATE nodes SET updated_at = CASE WHEN updated_at >= \(bind: time.milliseconds) THEN updated_at + 1
                ELSE \(bind: time.milliseconds) END
            WHERE id = \(bind: directory.rawValue)
            """
        ).run()
    }

    /// Walks `path` from the space root, creating missing directories; a file on the way is a conflict whatever the
    /// strategy (spec 20 D-01). Returns the inode of the last directory.
    static func ensureDirectories(
        _ db: any SQLDatabase, space: Space, path: ItemPath, userId: String, at time: Timestamp
    ) async throws -> Inode {
        var parent = space.rootInode
        for name in path.components {
            if let created = try await insertDirectory(
                db, space: space, parent: parent, name: name, userId: userId, at: time)
            {
                try await touch(db, parent, at: time)
                parent = created.inode
                continue
            }
            guard let existing = try await liveChild(db, parent: parent, name: name), existing.kind == .directory else {
                throw SMHError(.sameNameDirectoryOrFileExists, "A file named '\(name)' is in the way.")
            }
            parent = existing.inode
        }
        return parent
    }

    /// Whether `inode` is `ancestor` or lies below it, found by walking parent links up to the root.
    static func isInside(_ db: any SQLDatabase, _ inode: Inode, subtreeOf ancestor: Inode) async throws -> Bool {
        let row = try await db.raw(
            """
            WITH RECURSIVE up(id, parent_id) AS (
                SELECT id, parent_id FROM nodes WHERE id = \(bind: inode.rawValue)
                UNION ALL
                SELECT n.id, n.parent_id FROM nodes n JOIN up ON n.id = up.parent_id
            )
            SELECT 1 AS found FROM up WHERE id = \(bind: ancestor.rawValue) LIMIT 1
            """
        ).first()
        return row != nil
    }

    /// Inserts a file node unless the name is taken (nil then), like `insertDirectory`.
    static func insertFile(
        _ db: any SQLDatabase, space: Space, parent: Inode, name: String, content: ContentDigest, contentType: String,
        meta: String, userId: String, at time: Timestamp
    ) async throws -> Node? {
        try await db.raw(
            """
            INSERT INTO nodes (library_id, space_id, parent_id, name, kind, blob_sha256, size, content_type, crc64, etag,
                               meta, creator_user_id, created_at, updated_at)
            VALUES (\(bind: space.libraryId.rawValue), \(bind: space.id.rawValue), \(bind: parent.rawValue), \(bind: name),
                    'file', \(bind: content.sha256), \(bind: content.size), \(bind: contentType), \(bind: String(content.crc64)),
                    \(bind: content.eTag), \(bind: meta), \(bind: userId), \(bind: time.milliseconds), \(bind: time.milliseconds))
            ON CONFLICT (parent_id, name) WHERE state = 'live' DO NOTHING
            RETURNING *
            """
        ).first().map(decode)
    }

    /// Inserts a symbolic link unless the name is taken (nil then), like `insertDirectory`. Links hold no content
    /// and occupy no quota (spec 20 F-19 rule 7).
    static func insertSymlink(
        _ db: any SQLDatabase, space: Space, parent: Inode, name: String, target: Inode, userId: String,
        at time: Timestamp
    ) async throws -> Node? {
        try await db.raw(
            """
            INSERT INTO nodes (library_id, space_id, parent_id, name, kind, link_target_id, creator_user_id, created_at,
                               updated_at)
            VALUES (\(bind: space.libraryId.rawValue), \(bind: space.id.rawValue), \(bind: parent.rawValue), \(bind: name),
                    'symlink', \(bind: target.rawValue), \(bind: userId), \(bind: time.milliseconds), \(bind: time.milliseconds))
            ON CONFLICT (parent_id, name) WHERE state = 'live' DO NOTHING
            RETURNING *
            """
        ).first().map(decode)
    }

    /// The inodes a link leads through, itself first, up to the first non-link (included) or a break in the chain.
    /// Bounded: a loop or an over-long chain stops the walk.
    static func linkChain(_ db: any SQLDatabase, from node: Node) async throws -> [Inode] {
        var chain = [node.inode]
        var current = node
        while current.kind == .symlink, chain.count <= SymlinkChain.maxLinks + 1, let target = current.linkTarget,
            !chain.contains(target), let next = try await byId(db, target)
        {
            chain.append(next.inode)
            current = next
        }
        return chain
    }

    /// Gives an existing file new content: same inode and creation time, so links and favorites follow (spec 20 §7).
    /// With history on (spec 30 §4.0) the old content becomes a historical version, unless the current one is younger
    /// than the merge interval; otherwise its reference and quota charge are released.
    static func replaceContent(
        _ db: any SQLDatabase, _ node: Node, with content: ContentDigest, in space: Space, history: HistoryPolicy?,
        userId: String, at time: Timestamp
    ) async throws -> Node {
        guard let current = try await byId(db, node.inode) else {
            throw SMHError.internalError(StoreInvariant("overwritten node vanished"))
        }
        let merging =
            history.map {
                $0.mergeIntervalSeconds > 0
                    && time.milliseconds - current.version.latestSince.milliseconds < Int64($0.mergeIntervalSeconds)
                        * 1000
            } ?? true
        let number = try await HistoryRows.highestNumber(db, current) + 1
        if merging {
            if let old = current.blobSha256 { try await BlobRows.release(db, sha256: old, at: time) }
            try await SpaceRows.charge(db, library: space.libraryId, space: space.id, bytes: -(current.size))
        } else {
            try await HistoryRows.keepCurrent(db, of: current)
        }
        guard
            let updated = try await db.raw(
                """
                UPDATE nodes SET blob_sha256 = \(bind: content.sha256), size = \(bind: content.size),
                    crc64 = \(bind: String(content.crc64)), etag = \(bind: content.eTag), updated_at = \(bind: time.milliseconds),
                    version_no = \(bind: number), version_way = 1, content_created_at = \(bind: time.milliseconds),
                    content_created_by = \(bind: userId), latest_since = \(bind: time.milliseconds)
                WHERE id = \(bind: node.inode.rawValue) RETURNING *
                """
            ).first().map(decode)
        else { throw SMHError.internalError(StoreInvariant("overwritten node vanished")) }
        if let history { try await HistoryRows.prune(db, node.inode, policy: history, space: space, at: time) }
        return updated
    }

    /// The live node at `path` below the space root, read inside the caller's transaction.
    static func resolve(_ db: any SQLDatabase, space: Space, path: ItemPath) async throws -> Node? {
        var current = try await byId(db, space.rootInode)
        for name in path.components {
            guard let parent = current, parent.kind == .directory else { return nil }
            current = try await liveChild(db, parent: parent.inode, name: name)
        }
        return current
    }

    /// Custom metadata travels with a copy too (spec 20 F-18).
    static func copyMetaData(_ db: any SQLDatabase, from source: Inode, to target: Inode) async throws {
        try await db.raw(
            """
            UPDATE nodes SET meta = (SELECT meta FROM nodes WHERE id = \(bind: source.rawValue))
            WHERE id = \(bind: target.rawValue)
            """
        ).run()
    }

    /// Replaces what is given of a node's labels, category, metadata and local times.
    static func describe(
        _ db: any SQLDatabase, _ node: Inode, labels: [String]?, category: String?, metaData: [String: String]?,
        localTimes: LocalTimes
    ) async throws {
        let labelsJSON = try labels.map { try SQLStore.encodeJSON($0) }
        let metaJSON = try metaData.map { try SQLStore.encodeJSON($0) }
        try await db.raw(
            """
            UPDATE nodes SET labels = COALESCE(\(bind: labelsJSON), labels),
                category = COALESCE(\(bind: category), category), meta = COALESCE(\(bind: metaJSON), meta),
                local_created_at = COALESCE(\(bind: localTimes.created?.milliseconds), local_created_at),
                local_modified_at = COALESCE(\(bind: localTimes.modified?.milliseconds), local_modified_at)
            WHERE id = \(bind: node.rawValue)
            """
        ).run()
    }

    /// Labels, category and local times travel with a copy (spec 20 F-18); history, favorites and links do not.
    static func copyDescriptiveFields(_ db: any SQLDatabase, from source: Inode, to target: Inode) async throws {
        try await db.raw(
            """
            UPDATE nodes SET labels = (SELECT labels FROM nodes WHERE id = \(bind: source.rawValue)),
                category = (SELECT category FROM nodes WHERE id = \(bind: source.rawValue)),
                local_created_at = (SELECT local_created_at FROM nodes WHERE id = \(bind: source.rawValue)),
                local_modified_at = (SELECT local_modified_at FROM nodes WHERE id = \(bind: source.rawValue))
            WHERE id = \(bind: target.rawValue)
            """
        ).run()
    }
}
