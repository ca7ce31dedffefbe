import Foundation
import SMHCore
import SQLKit

extension SQLStore: SpaceStore {
    public func space(library: LibraryID, id: SpaceID) async throws -> Space? {
        try await cache.space(library, id) {
            try await read { db in
                try await db.raw(
                    "SELECT * FROM spaces WHERE library_id = \(bind: library.rawValue) AND id = \(bind: id.rawValue)"
                ).first().map(Self.decodeSpace)
            }
        }
    }

    public func insertSpace(
        library: LibraryID, id: SpaceID, userId: String, settings: SpaceExtension, at time: Timestamp
    ) async throws -> Bool {
        let encoded = try Self.encodeJSON(settings)
        return try await transaction { db in
            let taken = try await db.raw(
                "SELECT 1 AS taken FROM spaces WHERE library_id = \(bind: library.rawValue) AND id = \(bind: id.rawValue)"
            ).first()
            guard taken == nil else { return false }
            try await SpaceRows.insert(db, library: library, space: id, owner: userId, at: time)
            try await db.raw(
                """
                UPDATE spaces SET extension = \(bind: encoded)
                WHERE library_id = \(bind: library.rawValue) AND id = \(bind: id.rawValue)
                """
            ).run()
            return true
        }
    }

    public func spaces(library: LibraryID, owner: String?, after: SpaceID?, prefix: String?, limit: Int)
        async throws -> [Space]
    {
        var sql = SQLQueryString("SELECT * FROM spaces WHERE library_id = \(bind: library.rawValue) AND id <> '-'")
        if let owner {
            sql.appendInterpolation(unsafeRaw: " AND owner_user_id = ")
            sql.appendInterpolation(bind: owner)
        }
        if let after {
            sql.appendInterpolation(unsafeRaw: " AND id > ")
            sql.appendInterpolation(bind: after.rawValue)
        }
        if let prefix {
            // substr instead of LIKE: a prefix may hold % or _, and both dialects have substr.
            sql.appendInterpolation(unsafeRaw: " AND substr(id, 1, \(prefix.count)) = ")
            sql.appendInterpolation(bind: prefix)
        }
        sql.appendInterpolation(unsafeRaw: " ORDER BY id LIMIT \(max(0, limit))")
        let query = sql
        return try await read { db in try await db.raw(query).all().map(Self.decodeSpace) }
    }

    public func countSpaces(library: LibraryID) async throws -> Int {
        try await read { db in
            try await db.raw(
                "SELECT COUNT(*) AS n FROM spaces WHERE library_id = \(bind: library.rawValue) AND id <> '-'"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    public func updateSpaceExtension(library: LibraryID, id: SpaceID, settings: SpaceExtension) async throws -> Bool {
        defer { cache.clear() }
        let encoded = try Self.encodeJSON(settings)
        return try await transaction { db in
            !(try await db.raw(
                """
                UPDATE spaces SET extension = \(bind: encoded), updated_at = \(bind: SystemClock().now().milliseconds)
                WHERE library_id = \(bind: library.rawValue) AND id = \(bind: id.rawValue) RETURNING id
                """
            ).all().isEmpty)
        }
    }

    public func deleteSpace(library: LibraryID, id: SpaceID, force: Bool) async throws -> SpaceDeletion {
        defer { cache.clear() }
        return try await transaction { db in
            guard
                try await db.raw(
                    "SELECT 1 AS found FROM spaces WHERE library_id = \(bind: library.rawValue) AND id = \(bind: id.rawValue)"
                ).first() != nil
            else { return .notFound }
            if !force {
                // Any node but the root is content, recycled ones included.
                let content = try await db.raw(
                    """
                    SELECT 1 AS found FROM nodes WHERE library_id = \(bind: library.rawValue)
                    AND space_id = \(bind: id.rawValue) AND parent_id IS NOT NULL LIMIT 1
                    """
                ).first()
                if content != nil { return .notEmpty }
            }
            try await BlobRows.releaseAll(db, library: library, space: id)
            try await db.raw(
                "DELETE FROM spaces WHERE library_id = \(bind: library.rawValue) AND id = \(bind: id.rawValue)"
            ).run()
            return .deleted
        }
    }

    public func libraryUsedBytes(library: LibraryID) async throws -> Int64 {
        try await read { db in
            try await db.raw(
                "SELECT CAST(COALESCE(SUM(used_bytes), 0) AS BIGINT) AS total FROM spaces WHERE library_id = \(bind: library.rawValue)"
            ).first()?.decode(column: "total", as: Int64.self) ?? 0
        }
    }

    static func encodeJSON(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decodeSpace(_ row: any SQLRow) throws -> Space {
        Space(
            libraryId: LibraryID(try row.decode(column: "library_id", as: String.self)),
            id: SpaceID(try row.decode(column: "id", as: String.self)),
            userId: try row.decode(column: "owner_user_id", as: String.self),
            settings: try JSONDecoder().decode(
                SpaceExtension.self, from: Data(try row.decode(column: "extension", as: String.self).utf8)),
            rootInode: Inode(try row.decode(column: "root_inode", as: Int64.self)),
            usedBytes: try row.decode(column: "used_bytes", as: Int64.self),
            createdAt: Timestamp(milliseconds: try row.decode(column: "created_at", as: Int64.self)))
    }
}
