import SMHCore
import SQLKit

/// Statistics walks (spec 20 D-10, spec 10 §3.10): recursive queries over the nodes, no counters to keep in step.
/// Their cost grows with the entries walked (about a millisecond per thousand on SQLite); documented in README.
extension SQLStore {
    public func subtreeStats(_ anchor: StatsAnchor) async throws -> SubtreeStats {
        let start: SQLQueryString
        switch anchor {
        case .directory(let inode):
            start = "SELECT CAST(\(bind: inode.rawValue) AS BIGINT) AS id"
        case .recycleBin(let library, let space):
            start =
                "SELECT node_id AS id FROM recycle_items WHERE library_id = \(bind: library.rawValue) AND space_id = \(bind: space.rawValue)"
        case .recycledItem(let item, let library, let space):
            start = """
                SELECT node_id AS id FROM recycle_items WHERE id = \(bind: item)
                AND library_id = \(bind: library.rawValue) AND space_id = \(bind: space.rawValue)
                """
        }
        let walk: SQLQueryString = """
            WITH RECURSIVE subtree(id) AS (
                \(start)
                UNION ALL
                SELECT n.id FROM nodes n JOIN subtree s ON n.parent_id = s.id WHERE n.state = 'live'
            )
            """
        let anchored = anchor
        return try await read { db in
            let counts = try await db.raw(
                walk
                    + """
                    SELECT CAST(COUNT(*) AS BIGINT) AS entries,
                           CAST(COALESCE(SUM(CASE WHEN n.kind <> 'dir' THEN 1 ELSE 0 END), 0) AS BIGINT) AS files,
                           CAST(COALESCE(SUM(CASE WHEN n.kind = 'dir' THEN 1 ELSE 0 END), 0) AS BIGINT) AS dirs,
                           CAST(COALESCE(SUM(CASE WHEN n.kind = 'file' THEN n.size ELSE 0 END), 0) AS BIGINT) AS bytes
                    FROM nodes n JOIN subtree s ON n.id = s.id
                    """
            ).first()
            let versions = try await db.raw(
                walk
                    + """
                    SELECT CAST(COUNT(*) AS BIGINT) AS versions, CAST(COALESCE(SUM(v.size), 0) AS BIGINT) AS bytes
                    FROM versions v JOIN subtree s ON v.node_id = s.id
                    """
            ).first()
            let entries = try counts?.decode(column: "entries", as: Int64.self) ?? 0
            let found: Bool
            if case .recycledItem = anchored { found = entries > 0 } else { found = true }
            return SubtreeStats(
                files: try counts?.decode(column: "files", as: Int64.self) ?? 0,
                directories: try counts?.decode(column: "dirs", as: Int64.self) ?? 0,
                bytes: try counts?.decode(column: "bytes", as: Int64.self) ?? 0,
                versions: try versions?.decode(column: "versions", as: Int64.self) ?? 0,
                versionBytes: try versions?.decode(column: "bytes", as: Int64.self) ?? 0, found: found)
        }
    }

    /// Totals from the counters the database keeps (migration 6), the recycle bin by a walk of the bin alone.
    public func fileCounts(library: LibraryID, space: SpaceID) async throws -> SpaceFileCounts {
        let bin = try await subtreeStats(.recycleBin(library, space))
        return try await read { db in
            let row = try await db.raw(
                """
                SELECT file_count, dir_count, history_versions FROM spaces
                WHERE library_id = \(bind: library.rawValue) AND id = \(bind: space.rawValue)
                """
            ).first()
            let files = try row?.decode(column: "file_count", as: Int64.self) ?? 0
            let directories = try row?.decode(column: "dir_count", as: Int64.self) ?? 0
            let history = try row?.decode(column: "history_versions", as: Int64.self) ?? 0
            // The root directory is the space itself, not an entry of it.
            return SpaceFileCounts(
                files: files + history, directories: max(0, directories - 1), recycledFiles: bin.files,
                recycledDirectories: bin.directories, historyVersions: history)
        }
    }

    /// The same totals counted from the rows, for `smh fsck` and the tests to hold the counters to.
    public func recountedEntries(library: LibraryID, space: SpaceID) async throws -> (
        files: Int64, directories: Int64, history: Int64
    ) {
        try await read { db in
            let kinds = try await db.raw(
                """
                SELECT kind, CAST(COUNT(*) AS BIGINT) AS entries FROM nodes
                WHERE library_id = \(bind: library.rawValue) AND space_id = \(bind: space.rawValue) GROUP BY kind
                """
            ).all()
            var files: Int64 = 0
            var directories: Int64 = 0
            for row in kinds {
                let count = try row.decode(column: "entries", as: Int64.self)
                if try row.decode(column: "kind", as: String.self) == "dir" {
                    directories += count
                } else {
                    files += count
                }
            }
            let history =
                try await db.raw(
                    """
                    SELECT CAST(COUNT(*) AS BIGINT) AS versions FROM versions v JOIN nodes n ON n.id = v.node_id
                    WHERE n.library_id = \(bind: library.rawValue) AND n.space_id = \(bind: space.rawValue)
                    """
                ).first()?.decode(column: "versions", as: Int64.self) ?? 0
            return (files, directories, history)
        }
    }

    /// The counters as stored (root directory included), beside `recountedEntries`.
    public func storedEntries(library: LibraryID, space: SpaceID) async throws -> (
        files: Int64, directories: Int64, history: Int64
    ) {
        try await read { db in
            let row = try await db.raw(
                """
                SELECT file_count, dir_count, history_versions FROM spaces
                WHERE library_id = \(bind: library.rawValue) AND id = \(bind: space.rawValue)
                """
            ).first()
            return (
                try row?.decode(column: "file_count", as: Int64.self) ?? 0,
                try row?.decode(column: "dir_count", as: Int64.self) ?? 0,
                try row?.decode(column: "history_versions", as: Int64.self) ?? 0
            )
        }
    }

    /// Spaces whose entry counters differ from their rows (`smh fsck`).
    public func entryCounterDrift() async throws -> [(library: String, space: String)] {
        try await read { db in
            try await db.raw(
                """
                SELECT s.library_id, s.id FROM spaces s
                WHERE s.file_count <> (SELECT COUNT(*) FROM nodes n
                                       WHERE n.library_id = s.library_id AND n.space_id = s.id AND n.kind <> 'dir')
                   OR s.dir_count <> (SELECT COUNT(*) FROM nodes n
                                      WHERE n.library_id = s.library_id AND n.space_id = s.id AND n.kind = 'dir')
                   OR s.history_versions <> (SELECT COUNT(*) FROM versions v JOIN nodes n ON n.id = v.node_id
                                             WHERE n.library_id = s.library_id AND n.space_id = s.id)
                """
            ).all().map {
                (try $0.decode(column: "library_id", as: String.self), try $0.decode(column: "id", as: String.self))
            }
        }
    }

    /// Sets every space's entry counters to the recount (`smh fsck --repair`).
    public func repairEntryCounters() async throws {
        try await transaction { db in try await db.raw(SQLQueryString(Migrations.recountEntries)).run() }
    }
}
