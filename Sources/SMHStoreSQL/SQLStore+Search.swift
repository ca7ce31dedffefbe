import Foundation
import SMHCore
import SQLKit

extension SQLStore: SearchStore {
    public func searchPage(
        _ query: SearchQuery, in space: Space, scope: Inode, from position: SearchPosition, limit: Int
    ) async throws -> [SearchHit] {
        let builder = SearchSQL(dialect: dialect)
        let lookupLimit = searchLookupLimit
        return try await read { db in
            @Sendable func run(_ position: SearchPosition, _ limit: Int, _ plan: SearchSQL.Plan) async throws
                -> [SearchHit]
            {
                let sql = builder.page(query, space: space, scope: scope, from: position, limit: limit, plan: plan)
                return try await db.raw(sql).all().map { row in
                    let node = try NodeRows.decode(row)
                    return SearchHit(
                        node: node,
                        cursor: SearchCursor(
                            key: try row.decode(column: "sort_key", as: Int64?.self), name: node.name,
                            inode: node.inode.rawValue))
                }
            }
            guard builder.dialect == .sqlite else { return try await run(position, limit, .walk) }
            // A small scope (or space) is read whole through the parent index and sorted.
            let scopeLimit = min(lookupLimit, SearchSQL.smallScope)
            let entries = try await db.raw(builder.scopeCount(scope, limit: scopeLimit)).first()?.decode(
                column: "n", as: Int.self)
            if let entries, entries <= scopeLimit { return try await run(position, limit, .scope) }
            // Keywords with few matches in all: look those up and sort them, rather than walking the space.
            if builder.keywordsIndexed(query) {
                var total = 0
                for keyword in query.keywords {
                    total +=
                        try await db.raw(builder.matchCount(keyword)).first()?.decode(column: "n", as: Int.self) ?? 0
                }
                if total <= lookupLimit { return try await run(position, limit, .keywordMatches) }
            }
            let levels = query.keywords.count
            guard query.order.field == .relevance, levels > 1 else { return try await run(position, limit, .walk) }
            guard levels <= SearchSQL.maxLevels else { return try await run(position, limit, .keywordMatches) }
            // Relevance over many matches: the level of every keyword first, then each lower one, each in name order.
            var first = levels
            var cursor: SearchCursor?
            switch position {
            case .offset(0): break
            case .offset: return try await run(position, limit, .keywordMatches)
            case .after(let after):
                first = Int(after.key ?? Int64(levels))
                cursor = after
            }
            var hits: [SearchHit] = []
            for level in stride(from: first, through: 1, by: -1) where hits.count < limit {
                let start: SearchPosition = level == first ? cursor.map { .after($0) } ?? .offset(0) : .offset(0)
                hits += try await run(start, limit - hits.count, .level(level))
            }
            return hits
        }
    }

    public func paths(of inodes: [Inode]) async throws -> [Inode: [String]] {
        guard !inodes.isEmpty else { return [:] }
        var sql: SQLQueryString = """
            WITH RECURSIVE up(start, id, parent_id, name, depth) AS (
                SELECT id, id, parent_id, name, 0 FROM nodes WHERE id IN (
            """
        for (index, inode) in inodes.enumerated() {
            if index > 0 { sql.appendInterpolation(unsafeRaw: ", ") }
            sql.appendInterpolation(bind: inode.rawValue)
        }
        sql.appendInterpolation(
            unsafeRaw: """
                )
                UNION ALL
                SELECT up.start, n.id, n.parent_id, n.name, up.depth + 1 FROM nodes n JOIN up ON n.id = up.parent_id
                WHERE up.depth < 10000
                )
                SELECT start, parent_id, name, depth FROM up ORDER BY start, depth DESC
                """)
        let query = sql
        return try await read { db in
            var paths: [Inode: [String]] = [:]
            for row in try await db.raw(query).all() {
                let start = Inode(try row.decode(column: "start", as: Int64.self))
                var path = paths[start] ?? []
                // The root's own name is not part of any path.
                if try row.decode(column: "parent_id", as: Int64?.self) != nil {
                    path.append(try row.decode(column: "name", as: String.self))
                }
                paths[start] = path
            }
            return paths
        }
    }

    public func saveSearch(_ session: SearchSession) async throws {
        let query = try Self.encodeJSON(session.query)
        let cursor = try session.cursor.map { try Self.encodeJSON($0) }
        try await lightTransaction { db in
            try await db.raw(
                """
                INSERT INTO searches (id, library_id, space_id, user_id, query, scope_id, next_offset, cursor, expires_at)
                VALUES (\(bind: session.id), \(bind: session.libraryId.rawValue), \(bind: session.spaceId.rawValue),
                        \(bind: session.userId), \(bind: query), \(bind: session.scope.rawValue),
                        \(bind: session.nextOffset), \(bind: cursor), \(bind: session.expiresAt.milliseconds))
                ON CONFLICT (id) DO UPDATE SET next_offset = excluded.next_offset, cursor = excluded.cursor,
                    expires_at = excluded.expires_at
                """
            ).run()
        }
    }

    public func search(id: String, library: LibraryID, space: SpaceID, now: Timestamp) async throws -> SearchSession? {
        try await read { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT * FROM searches WHERE id = \(bind: id) AND library_id = \(bind: library.rawValue)
                        AND space_id = \(bind: space.rawValue) AND expires_at > \(bind: now.milliseconds)
                    """
                ).first()
            else { return nil }
            let query = try JSONDecoder().decode(
                SearchQuery.self, from: Data(try row.decode(column: "query", as: String.self).utf8))
            let cursor = try row.decode(column: "cursor", as: String?.self).map {
                try JSONDecoder().decode(SearchCursor.self, from: Data($0.utf8))
            }
            return SearchSession(
                id: id, libraryId: library, spaceId: space, userId: try row.decode(column: "user_id", as: String.self),
                query: query, scope: Inode(try row.decode(column: "scope_id", as: Int64.self)),
                nextOffset: try row.decode(column: "next_offset", as: Int.self), cursor: cursor,
                expiresAt: Timestamp(milliseconds: try row.decode(column: "expires_at", as: Int64.self)))
        }
    }

    public func deleteSearch(id: String, library: LibraryID, space: SpaceID) async throws {
        try await lightTransaction { db in
            try await db.raw(
                """
                DELETE FROM searches WHERE id = \(bind: id) AND library_id = \(bind: library.rawValue)
                    AND space_id = \(bind: space.rawValue)
                """
            ).run()
        }
    }

    public func deleteExpiredSearches(now: Timestamp) async throws -> Int {
        try await lightTransaction { db in
            try await db.raw("DELETE FROM searches WHERE expires_at <= \(bind: now.milliseconds) RETURNING id").all()
                .count
        }
    }
}
