import SMHCore
import SQLKit

extension SQLStore: FavoriteStore {
    public func addFavorite(_ favorite: Favorite, library: LibraryID) async throws -> Bool {
        try await transaction { db in
            try await db.raw(
                """
                INSERT INTO favorites (library_id, space_id, user_id, node_id, created_at)
                VALUES (\(bind: library.rawValue), \(bind: favorite.spaceId.rawValue), \(bind: favorite.userId),
                        \(bind: favorite.inode.rawValue), \(bind: favorite.favoritedAt.milliseconds))
                ON CONFLICT (library_id, space_id, user_id, node_id) DO NOTHING
                RETURNING id
                """
            ).first() != nil
        }
    }

    public func removeFavorite(library: LibraryID, space: SpaceID, userId: String, inode: Inode) async throws -> Bool {
        try await transaction { db in
            try await db.raw(
                """
                DELETE FROM favorites WHERE library_id = \(bind: library.rawValue) AND space_id = \(bind: space.rawValue)
                    AND user_id = \(bind: userId) AND node_id = \(bind: inode.rawValue)
                RETURNING id
                """
            ).first() != nil
        }
    }

    public func favorites(
        library: LibraryID, space: SpaceID, userId: String, descending: Bool, after: Favorite?, offset: Int, limit: Int
    ) async throws -> [Favorite] {
        var sql: SQLQueryString = """
            SELECT * FROM favorites WHERE library_id = \(bind: library.rawValue) AND space_id = \(bind: space.rawValue)
                AND user_id = \(bind: userId)
            """
        if let after {
            let op = descending ? "<" : ">"
            sql.appendInterpolation(unsafeRaw: " AND (created_at \(op) ")
            sql.appendInterpolation(bind: after.favoritedAt.milliseconds)
            sql.appendInterpolation(unsafeRaw: " OR (created_at = ")
            sql.appendInterpolation(bind: after.favoritedAt.milliseconds)
            sql.appendInterpolation(unsafeRaw: " AND node_id \(op) ")
            sql.appendInterpolation(bind: after.inode.rawValue)
            sql.appendInterpolation(unsafeRaw: "))")
        }
        let direction = descending ? "DESC" : "ASC"
        sql.appendInterpolation(
            unsafeRaw:
                " ORDER BY created_at \(direction), node_id \(direction) LIMIT \(max(0, limit)) OFFSET \(max(0, offset))"
        )
        let query = sql
        return try await read { db in
            try await db.raw(query).all().map {
                Favorite(
                    spaceId: SpaceID(try $0.decode(column: "space_id", as: String.self)),
                    userId: try $0.decode(column: "user_id", as: String.self),
                    inode: Inode(try $0.decode(column: "node_id", as: Int64.self)),
                    favoritedAt: Timestamp(milliseconds: try $0.decode(column: "created_at", as: Int64.self)))
            }
        }
    }

    public func countFavorites(library: LibraryID, space: SpaceID, userId: String) async throws -> Int {
        try await read { db in
            try await db.raw(
                """
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM favorites WHERE library_id = \(bind: library.rawValue)
                    AND space_id = \(bind: space.rawValue) AND user_id = \(bind: userId)
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    public func favorited(library: LibraryID, space: SpaceID, userId: String, among inodes: [Inode]) async throws
        -> Set<Inode>
    {
        guard !inodes.isEmpty else { return [] }
        var sql: SQLQueryString = """
            SELECT node_id FROM favorites WHERE library_id = \(bind: library.rawValue)
                AND space_id = \(bind: space.rawValue) AND user_id = \(bind: userId) AND node_id IN (
            """
        for (index, inode) in inodes.enumerated() {
            if index > 0 { sql.appendInterpolation(unsafeRaw: ", ") }
            sql.appendInterpolation(bind: inode.rawValue)
        }
        sql.appendInterpolation(unsafeRaw: ")")
        let query = sql
        return try await read { db in
            Set(try await db.raw(query).all().map { Inode(try $0.decode(column: "node_id", as: Int64.self)) })
        }
    }
}
