import Foundation
import SMHCore
import SQLKit

extension SQLStore: NamespaceStore {
    public func node(in space: Space, at path: ItemPath) async throws -> Node? {
        try await read { db in
            var current = try await NodeRows.byId(db, space.rootInode)
            for name in path.components {
                guard let parent = current, parent.kind == .directory else { return nil }
                current = try await NodeRows.liveChild(db, parent: parent.inode, name: name)
            }
            return current
        }
    }

    public func createDirectory(
        in space: Space, at path: ItemPath, strategy: ConflictStrategy, userId: String, maxNameLength: Int,
        at time: Timestamp
    ) async throws -> (path: [String], node: Node) {
        try await transaction { db in
            var parent = space.rootInode
            var finalPath: [String] = []
            for (index, name) in path.components.enumerated() {
                let isLast = index == path.components.count - 1
                if let created = try await NodeRows.insertDirectory(
                    db, space: space, parent: parent, name: name, userId: userId, at: time)
                {
                    try await NodeRows.touch(db, parent, at: time)
                    finalPath.append(name)
                    if isLast { return (finalPath, created) }
                    parent = created.inode
                    continue
                }
                guard let existing = try await NodeRows.liveChild(db, parent: parent, name: name),
                    existing.kind == .directory
                else {
                    throw SMHError(.sameNameDirectoryOrFileExists, "A file named '\(name)' is in the way.")
                }
                if !isLast {
                    parent = existing.inode
                    finalPath.append(name)
                    continue
                }
                guard strategy == .rename else {
                    throw SMHError(.sameNameDirectoryOrFileExists, "'\(name)' already exists.")
                }
                for attempt in 1...ConflictRenaming.maxAttempts {
                    let candidate = ConflictRenaming.candidate(
                        for: name, attempt: attempt, isDirectory: true, maxLength: maxNameLength)
                    if let created = try await NodeRows.insertDirectory(
                        db, space: space, parent: parent, name: candidate, userId: userId, at: time)
                    {
                        try await NodeRows.touch(db, parent, at: time)
                        return (finalPath + [candidate], created)
                    }
                }
                throw SMHError(
                    .renameTooManyTimes, "No free name for '\(name)' after \(ConflictRenaming.maxAttempts) tries.")
            }
            throw SMHError(.rootDirectoryNotAllowed, "The root directory always exists.")
        }
    }

    public func children(of directory: Inode, query: ListingQuery, mediaOrder: Bool) async throws -> [Node] {
        let sql = Self.listingSQL(directory, query: query, mediaOrder: mediaOrder)
        return try await read { db in try await db.raw(sql).all().map(NodeRows.decode) }
    }

    public func childCounts(of directory: Inode) async throws -> (files: Int, directories: Int) {
        try await read { db in
            let row = try await db.raw(
                """
                SELECT CAST(COUNT(*) AS BIGINT) AS total,
                       CAST(COALESCE(SUM(CASE WHEN kind = 'dir' THEN 1 ELSE 0 END), 0) AS BIGINT) AS dirs
                FROM nodes WHERE parent_id = \(bind: directory.rawValue) AND state = 'live'
                """
            ).first()
            let total = try row?.decode(column: "total", as: Int.self) ?? 0
            let dirs = try row?.decode(column: "dirs", as: Int.self) ?? 0
            return (total - dirs, dirs)
        }
    }

    public func removeSubtree(
        _ node: Node, in space: Space, path: ItemPath, recycle: Bool, userId: String, at time: Timestamp
    ) async throws -> Int64? {
        let library = try await self.library(space.libraryId)
        let retentionDays = Int64(library?.settings.autoRemoveRecycledDays ?? 0)
        let originalPath = try SQLStore.encodeJSON(path.components)
        return try await transaction { db in
            // Re-read inside the transaction: the node must still be live where the caller found it.
            guard let current = try await NodeRows.byId(db, node.inode), current.parent == node.parent,
                try await NodeRows.liveChild(db, parent: node.parent ?? space.rootInode, name: node.name)?.inode
                    == node.inode
            else {
                throw SMHError(.directoryNotFound, "/\(path) changed while it was being deleted.")
            }
            if let parent = node.parent { try await NodeRows.touch(db, parent, at: time) }
            if recycle {
                try await db.raw("UPDATE nodes SET state = 'recycled' WHERE id = \(bind: node.inode.rawValue)").run()
                let expires: Int64? = retentionDays > 0 ? time.milliseconds + retentionDays * 86_400_000 : nil
                let row = try await db.raw(
                    """
                    INSERT INTO recycle_items (library_id, space_id, node_id, original_parent_id, original_path,
                                               recycled_by, recycled_at, expires_at)
                    VALUES (\(bind: space.libraryId.rawValue), \(bind: space.id.rawValue), \(bind: node.inode.rawValue),
                            \(bind: node.parent?.rawValue), \(bind: originalPath), \(bind: userId),
                            \(bind: time.milliseconds), \(bind: expires))
                    RETURNING id
                    """
                ).first()
                return try row?.decode(column: "id", as: Int64.self)
            }
            try await SubtreeRows.releaseContent(db, root: node.inode, space: space, at: time)
            try await db.raw("DELETE FROM nodes WHERE id = \(bind: node.inode.rawValue)").run()
            return nil
        }
    }
}
