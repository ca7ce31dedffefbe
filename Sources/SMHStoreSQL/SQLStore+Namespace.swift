import Foundation
import SMHCore
import SQLKit

extension SQLStore: NamespaceStore {
    public func node(in space: Space, at path: ItemPath) async throws -> Node? {
        try await read { db in
            // The root is always a directory: a path below it starts from its inode, one row per component.
            guard let first = path.components.first else { return try await NodeRows.byId(db, space.rootInode) }
            var current = try await NodeRows.liveChild(db, parent: space.rootInode, name: first)
            for name in path.components.dropFirst() {
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
        guard let name = path.name, let parentPath = path.parent else {
            throw SMHError(.rootDirectoryNotAllowed, "The root directory always exists.")
        }
        return try await transaction { db in
            let parent = try await NodeRows.ensureDirectories(
                db, space: space, path: parentPath, userId: userId, at: time)
            // A file in the way is refused whatever the strategy: renaming around it would hide the mistake (D-01).
            var conflict = NameConflict(
                strategy, wanted: name, incomingIsDirectory: true, maxNameLength: maxNameLength,
                replaceable: NameConflict.nothing)
            let (placedName, created) = try await Self.placeEntry(db, in: parent, &conflict) { candidate in
                if let created = try await NodeRows.insertDirectory(
                    db, space: space, parent: parent, name: candidate, userId: userId, at: time)
                {
                    return created
                }
                if candidate == name, let existing = try await NodeRows.liveChild(db, parent: parent, name: name),
                    existing.kind != .directory
                {
                    throw SMHError(.sameNameDirectoryOrFileExists, "A file named '\(name)' is in the way.")
                }
                return nil
            }
            try await NodeRows.touch(db, parent, at: time)
            return (parentPath.components + [placedName], created)
        }
    }

    public func move(
        _ node: Node, from source: Space, in space: Space, to path: ItemPath, strategy: ConflictStrategy,
        createParents: Bool,
        recycleReplaced: Bool, userId: String, maxNameLength: Int, at time: Timestamp
    ) async throws -> [String] {
        guard let wanted = path.name, let parentPath = path.parent else {
            throw SMHError(.invalidDestinationPath, "The destination cannot be the root directory.")
        }
        let retentionDays = try await recycleRetentionDays(space)
        return try await transaction { db in
            guard let current = try await NodeRows.byId(db, node.inode), let oldParent = current.parent,
                try await NodeRows.liveChild(db, parent: oldParent, name: current.name)?.inode == node.inode
            else {
                throw SMHError(
                    node.kind == .directory ? .sourceDirectoryNotFound : .sourceFileNotFound,
                    "The source changed while it was being moved.")
            }
            let parent: Inode
            if createParents {
                parent = try await NodeRows.ensureDirectories(
                    db, space: space, path: parentPath, userId: userId, at: time)
            } else {
                guard let existing = try await NodeRows.resolve(db, space: space, path: parentPath),
                    existing.kind == .directory
                else {
                    throw SMHError(.directoryNotFound, "Directory /\(parentPath) does not exist.")
                }
                parent = existing.inode
            }
            guard current.parent != nil, try await Self.isIn(db, current.inode, source) else {
                throw SMHError(
                    node.kind == .directory ? .sourceDirectoryNotFound : .sourceFileNotFound,
                    "The source is not in space \(source.id).")
            }
            if parent == oldParent && wanted == current.name { return path.components }  // onto itself: nothing to do
            if current.kind == .directory, try await NodeRows.isInside(db, parent, subtreeOf: current.inode) {
                throw SMHError(
                    .sourceDirectoryIsParentOfDestination, "A directory cannot be moved into itself or below itself.")
            }
            // The replaced entry is deleted as F-16 would delete it; the moved one keeps its identity.
            var conflict = NameConflict(
                strategy, wanted: wanted, incomingIsDirectory: current.kind == .directory,
                maxNameLength: maxNameLength,
                replaceable: current.kind == .directory ? NameConflict.nothing : NameConflict.onlyFilesAndLinks)
            let (name, _) = try await Self.placeEntry(db, in: parent, &conflict) { name in
                try await Self.ifFree(db, in: parent, name) {
                    try await db.raw(
                        """
                        UPDATE nodes SET parent_id = \(bind: parent.rawValue), name = \(bind: name)
                        WHERE id = \(bind: current.inode.rawValue)
                        """
                    ).run()
                }
            } replace: { existing in
                try await Self.removeReplaced(
                    db, existing, by: current, in: space, under: parentPath, recycle: recycleReplaced,
                    retentionDays: retentionDays, userId: userId, at: time)
            }
            if source.id != space.id || source.libraryId != space.libraryId {
                try await SubtreeRows.changeSpace(db, current.inode, from: source, to: space)
            }
            try await NodeRows.touch(db, oldParent, at: time)
            try await NodeRows.touch(db, parent, at: time)
            return parentPath.components + [name]
        }
    }

    static func isIn(_ db: any SQLDatabase, _ inode: Inode, _ space: Space) async throws -> Bool {
        try await db.raw(
            """
            SELECT 1 AS found FROM nodes WHERE id = \(bind: inode.rawValue)
                AND library_id = \(bind: space.libraryId.rawValue) AND space_id = \(bind: space.id.rawValue)
            """
        ).first() != nil
    }

    public func locate(_ inode: Inode, in space: Space) async throws -> (path: [String], node: Node)? {
        try await read { db in
            guard let node = try await NodeRows.byId(db, inode) else { return nil }
            guard
                try await db.raw(
                    """
                    SELECT 1 AS found FROM nodes WHERE id = \(bind: inode.rawValue)
                    AND library_id = \(bind: space.libraryId.rawValue) AND space_id = \(bind: space.id.rawValue)
                    AND state = 'live'
                    """
                ).first() != nil
            else { return nil }
            // Walk up to the root: every ancestor must be live (a recycled directory hides its subtree).
            var names: [String] = []
            var current = node
            while let parent = current.parent {
                names.append(current.name)
                guard let up = try await NodeRows.byId(db, parent),
                    try await NodeRows.liveChild(db, parent: parent, name: current.name)?.inode == current.inode
                else { return nil }
                current = up
            }
            guard current.inode == space.rootInode else { return nil }
            return (names.reversed(), node)
        }
    }

    public func updateDescription(
        _ node: Inode, labels: [String]?, category: String?, metaData: [String: String]?, localTimes: LocalTimes
    ) async throws {
        try await transaction { db in
            try await NodeRows.describe(
                db, node, labels: labels, category: category, metaData: metaData, localTimes: localTimes)
        }
    }

    public func children(of directory: Inode, query: ListingQuery, mediaOrder: Bool) async throws -> [Node] {
        if case .marker(let after, let limit) = query.paging, !query.union,
            ListingOrder.key(for: query, mediaOrder: mediaOrder).key == .none
        {
            return try await nameOrderedChildren(of: directory, query: query, after: after, limit: limit)
        }
        let sql = Self.listingSQL(directory, query: query, mediaOrder: mediaOrder)
        return try await read { db in try await db.raw(sql).all().map(NodeRows.decode) }
    }

    /// The common case — directories first, each group by name — read group by group along the indexes, so a page
    /// costs its own size rather than a scan of the directory.
    func nameOrderedChildren(of directory: Inode, query: ListingQuery, after: ListingCursor?, limit: Int)
        async throws -> [Node]
    {
        let descending = ListingOrder.isNameDescending(query)
        var groups: [(directories: Bool, after: String?)] = []
        if query.filter != .onlyFile && (after?.group ?? 0) == 0 { groups.append((true, after?.name)) }
        if query.filter != .onlyDir { groups.append((false, after?.group == 1 ? after?.name : nil)) }
        var result: [Node] = []
        for group in groups where result.count <= limit {
            var sql = SQLQueryString(
                "SELECT * FROM nodes WHERE parent_id = \(bind: directory.rawValue) AND state = 'live'")
            sql.appendInterpolation(unsafeRaw: group.directories ? " AND kind = 'dir'" : " AND kind <> 'dir'")
            if let prefix = query.prefix {
                sql.appendInterpolation(unsafeRaw: " AND substr(name, 1, \(prefix.unicodeScalars.count)) = ")
                sql.appendInterpolation(bind: prefix)
            }
            // Names are unique among the live children of a directory, so the name alone is a complete cursor.
            for bound in [group.after, query.startName].compactMap({ $0 }) {
                sql.appendInterpolation(unsafeRaw: descending ? " AND name < " : " AND name > ")
                sql.appendInterpolation(bind: bound)
            }
            sql.appendInterpolation(unsafeRaw: descending ? " ORDER BY name DESC" : " ORDER BY name")
            sql.appendInterpolation(unsafeRaw: " LIMIT \(limit + 1 - result.count)")
            let page = sql
            result += try await read { db in try await db.raw(page).all().map(NodeRows.decode) }
        }
        return result
    }

    public func entryCount(under directory: Inode) async throws -> Int {
        try await read { db in
            try await db.raw(
                """
                WITH RECURSIVE subtree(id) AS (
                    SELECT CAST(\(bind: directory.rawValue) AS BIGINT)
                    UNION ALL
                    SELECT n.id FROM nodes n JOIN subtree s ON n.parent_id = s.id WHERE n.state = 'live'
                )
                SELECT CAST(COUNT(*) - 1 AS BIGINT) AS entries FROM subtree
                """
            ).first()?.decode(column: "entries", as: Int.self) ?? 0
        }
    }

    public func contentBytes(under directory: Inode) async throws -> Int64 {
        try await read { db in
            try await db.raw(
                """
                WITH RECURSIVE subtree(id) AS (
                    SELECT CAST(\(bind: directory.rawValue) AS BIGINT)
                    UNION ALL
                    SELECT n.id FROM nodes n JOIN subtree s ON n.parent_id = s.id WHERE n.state = 'live'
                )
                SELECT CAST(COALESCE(SUM(n.size), 0) AS BIGINT) AS bytes
                FROM nodes n JOIN subtree s ON n.id = s.id WHERE n.kind = 'file'
                """
            ).first()?.decode(column: "bytes", as: Int64.self) ?? 0
        }
    }

    /// Two bare counts along the `(parent_id, kind, name)` index: counting the directories in the same scan (a
    /// `CASE` per child) took twice as long on a directory of 10,000 files, and every listing page pays this — once
    /// per change of the directory, thanks to `ChildCountCache`. The directory's `updated_at` comes from the same
    /// statement, so the counts are stored under the version they belong to.
    public func childCounts(of directory: Node) async throws -> (files: Int, directories: Int) {
        let inode = directory.inode
        if let hit = childCountCache.counts(of: inode, at: directory.updatedAt.milliseconds) { return hit }
        let entry = try await read { db -> ChildCountCache.Entry? in
            guard
                let row = try await db.raw(
                    """
                    SELECT updated_at,
                           (SELECT CAST(COUNT(*) AS BIGINT) FROM nodes
                                WHERE parent_id = \(bind: inode.rawValue) AND state = 'live') AS total,
                           (SELECT CAST(COUNT(*) AS BIGINT) FROM nodes
                                WHERE parent_id = \(bind: inode.rawValue) AND state = 'live' AND kind = 'dir') AS dirs
                    FROM nodes WHERE id = \(bind: inode.rawValue)
                    """
                ).first()
            else { return nil }
            let total = try row.decode(column: "total", as: Int.self)
            let dirs = try row.decode(column: "dirs", as: Int.self)
            return .init(
                updatedAt: try row.decode(column: "updated_at", as: Int64.self), files: total - dirs, directories: dirs)
        }
        guard let entry else { return (0, 0) }
        childCountCache.store(entry, for: inode)
        return (entry.files, entry.directories)
    }

    public func removeSubtree(
        _ node: Node, in space: Space, path: ItemPath, recycle: Bool, userId: String, at time: Timestamp
    ) async throws -> Int64? {
        let retentionDays = try await recycleRetentionDays(space)
        return try await transaction { db in
            // Re-read inside the transaction: the node must still be live where the caller found it.
            guard let current = try await NodeRows.byId(db, node.inode), current.parent == node.parent,
                try await NodeRows.liveChild(db, parent: node.parent ?? space.rootInode, name: node.name)?.inode
                    == node.inode
            else {
                throw SMHError(
                    node.kind == .directory ? .directoryNotFound : .fileNotFound,
                    "/\(path) changed while it was being deleted.")
            }
            return try await SubtreeRows.remove(
                db, node, in: space, path: path.components, recycle: recycle, retentionDays: retentionDays,
                userId: userId, at: time)
        }
    }

}
