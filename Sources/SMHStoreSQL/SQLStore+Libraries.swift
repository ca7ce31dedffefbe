import Foundation
import SMHCore
import SQLKit

extension SQLStore: LibraryStore {
    public func insertLibrary(_ library: Library) async throws {
        let settings = try Self.encodeSettings(library.settings)
        try await transaction { db in
            try await db.raw(
                """
                INSERT INTO libraries (id, name, multi_space, library_type, settings, secret_hash, secret_salt,
                                       created_at, updated_at)
                VALUES (\(bind: library.id.rawValue), \(bind: library.settings.name), \(bind: library.settings.multiSpace),
                        \(bind: library.settings.libraryType.rawValue), \(bind: settings), \(bind: library.secretHash),
                        \(bind: library.secretSalt), \(bind: library.createdAt.milliseconds),
                        \(bind: library.updatedAt.milliseconds))
                """
            ).run()
            if !library.settings.multiSpace {
                try await SpaceRows.insert(
                    db, library: library.id, space: .singleTenant, owner: "", at: library.createdAt)
            }
        }
    }

    public func library(_ id: LibraryID) async throws -> Library? {
        try await cache.library(id) {
            try await read { db in
                try await db.raw("SELECT * FROM libraries WHERE id = \(bind: id.rawValue)").first().map(
                    Self.decodeLibrary)
            }
        }
    }

    public func libraries() async throws -> [Library] {
        try await read { db in
            try await db.raw("SELECT * FROM libraries ORDER BY created_at, id").all().map(Self.decodeLibrary)
        }
    }

    public func updateLibrary(_ id: LibraryID, settings: LibrarySettings, at time: Timestamp) async throws -> Bool {
        defer { cache.clear() }
        let encoded = try Self.encodeSettings(settings)
        return try await transaction { db in
            let rows = try await db.raw(
                """
                UPDATE libraries SET settings = \(bind: encoded), name = \(bind: settings.name),
                    updated_at = \(bind: time.milliseconds)
                WHERE id = \(bind: id.rawValue) RETURNING id
                """
            ).all()
            return !rows.isEmpty
        }
    }

    public func replaceLibrarySecret(
        _ id: LibraryID, secretHash: String, salt: String?, ifCurrent: String?, at time: Timestamp
    ) async throws -> Bool {
        defer { cache.clear() }
        return try await transaction { db in
            let condition: SQLQueryString =
                ifCurrent.map { "id = \(bind: id.rawValue) AND secret_hash = \(bind: $0)" }
                ?? "id = \(bind: id.rawValue)"
            let rows = try await db.raw(
                """
                UPDATE libraries SET secret_hash = \(bind: secretHash), secret_salt = \(bind: salt),
                    updated_at = \(bind: time.milliseconds)
                WHERE \(condition) RETURNING id
                """
            ).all()
            return !rows.isEmpty
        }
    }

    /// Each space's root directory is counted in `dir_count` but is the space itself, not an entry: left out.
    public func libraryTotals(_ ids: [LibraryID]) async throws -> [LibraryID: LibraryTotals] {
        guard !ids.isEmpty else { return [:] }
        var sql: SQLQueryString = """
            SELECT library_id, CAST(SUM(used_bytes) AS BIGINT) AS bytes, CAST(SUM(CASE WHEN dir_count > 0 THEN dir_count - 1 ELSE 0 END) AS BIGINT) AS dirs,
                CAST(SUM(file_count) AS BIGINT) AS files
            FROM spaces WHERE library_id IN (
            """
        sql += ids.map { "\(bind: $0.rawValue)" }.joined(separator: ", ")
        sql += ") GROUP BY library_id"
        let query = sql
        return try await read { db in
            var totals: [LibraryID: LibraryTotals] = [:]
            for row in try await db.raw(query).all() {
                totals[LibraryID(try row.decode(column: "library_id", as: String.self))] = LibraryTotals(
                    bytes: try row.decode(column: "bytes", as: Int64.self),
                    directories: try row.decode(column: "dirs", as: Int64.self),
                    files: try row.decode(column: "files", as: Int64.self))
            }
            return totals
        }
    }

    public func deleteLibrary(_ id: LibraryID, force: Bool) async throws -> LibraryDeletion {
        defer { cache.clear() }
        return try await transaction { db in
            guard try await db.raw("SELECT id FROM libraries WHERE id = \(bind: id.rawValue)").first() != nil else {
                return .notFound
            }
            if !force {
                // Content is any node besides the space roots, or any tenant space (a tenant may own an empty one).
                let content = try await db.raw(
                    """
                    SELECT 1 AS found FROM nodes WHERE library_id = \(bind: id.rawValue) AND parent_id IS NOT NULL
                    UNION ALL
                    SELECT 1 AS found FROM spaces WHERE library_id = \(bind: id.rawValue) AND id <> '-'
                    LIMIT 1
                    """
                ).first()
                if content != nil { return .notEmpty }
            }
            try await BlobRows.releaseAll(db, library: id)
            try await db.raw("DELETE FROM libraries WHERE id = \(bind: id.rawValue)").run()
            return .deleted
        }
    }

    static func encodeSettings(_ settings: LibrarySettings) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(settings), as: UTF8.self)
    }

    static func decodeLibrary(_ row: any SQLRow) throws -> Library {
        let settings = try JSONDecoder().decode(
            LibrarySettings.self, from: Data(try row.decode(column: "settings", as: String.self).utf8))
        return Library(
            id: LibraryID(try row.decode(column: "id", as: String.self)),
            settings: settings,
            secretHash: try row.decode(column: "secret_hash", as: String.self),
            secretSalt: try row.decode(column: "secret_salt", as: String?.self),
            createdAt: Timestamp(milliseconds: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Timestamp(milliseconds: try row.decode(column: "updated_at", as: Int64.self)))
    }
}
