import SMHCore
import SQLKit

/// The SQL of one search page (spec 30 S1). The scope's live directories are collected first (a recursive walk over
/// directories only, which stops at recycled ones); nodes are then tested against the scope and the filters. How
/// they are found is the `Plan` (named on SQLite, left to PostgreSQL's planner): a small scope is read whole, a few
/// keyword matches are looked up by rowid, anything else walks the per-space index of its order and stops after a
/// page of matches, and relevance over many matches goes level by level. The parent test is written `+parent_id` so
/// that only the `scope` plan drives from it. Pages continue from a stored cursor with the (key, name, id)
/// comparison of the order.
struct SearchSQL {
    let dialect: SQLDialectKind

    /// FTS5's trigram index answers substrings of at least three characters; shorter keywords are matched by LIKE.
    static let trigramLength = 3
    /// Scopes of at most this many entries are read whole and sorted (counting them costs about a millisecond).
    static let smallScope = 2000
    /// Relevance is read level by level for up to this many keywords; beyond, the matches are sorted.
    static let maxLevels = 4

    /// The order as columns: an optional leading key and its direction, then name and id.
    struct Order {
        /// SQL of the key (a column of `n`), nil when ordering by name alone.
        var key: SQLQueryString?
        var keyDescending = false
        var nameDescending = false
    }

    /// How the rows are found. SQLite's planner weighs the per-space indexes alike (they share the equality
    /// prefix) and may pick one that does not give the order, then sort the space; so on SQLite the plan is named.
    enum Plan: Sendable, Equatable {
        /// Read the scope's entries through the parent index and sort them: for small scopes.
        case scope
        /// Walk the index of the order, testing each row (no sort; stops after `limit` matches).
        case walk
        /// Look the keyword matches up by rowid and sort them: for keywords with few matches.
        case keywordMatches
        /// Relevance, one level at a time: the rows matching exactly `level` keywords, in name order (all keywords:
        /// looked up by rowid; fewer: by walking the name index).
        case level(Int)
    }

    func page(
        _ query: SearchQuery, space: Space, scope: Inode, from position: SearchPosition, limit: Int,
        plan: Plan = .walk
    ) -> SQLQueryString {
        var order = self.order(query)
        var levelKey: SQLQueryString?
        if case .level(let level) = plan {
            levelKey = order.key
            order = Order(key: "\(unsafeRaw: String(level))")
        }
        var sql = Self.scopeDirectories(scope)
        sql += " SELECT n.*, "
        sql += order.key ?? "CAST(NULL AS BIGINT)"
        sql += " AS sort_key FROM nodes n"
        if dialect == .sqlite {
            switch plan {
            case .scope: sql += " INDEXED BY nodes_live_name"
            case .walk: sql += "\(unsafeRaw: " INDEXED BY \(Self.orderIndex(query))")"
            case .level(let level) where level < query.keywords.count || !keywordsIndexed(query):
                sql += " INDEXED BY nodes_space_name"
            case .keywordMatches, .level: sql += " NOT INDEXED"
            }
        }
        sql += """
             WHERE n.library_id = \(bind: space.libraryId.rawValue) AND n.space_id = \(bind: space.id.rawValue)
                AND n.state = 'live' AND 
            """
        sql += plan == .scope ? "n.parent_id" : "+n.parent_id"
        sql += " IN (SELECT id FROM scope_dirs)"
        var conditions = self.conditions(query)
        if case .level(let level) = plan, let levelKey {
            if level == query.keywords.count {
                // Every keyword: one FTS5 query for all of them, whose rowids drive the lookup (or, for keywords too
                // short for the index, every LIKE on the walk).
                conditions[0] =
                    keywordsIndexed(query)
                    ? "n.id IN (SELECT rowid FROM node_names WHERE node_names MATCH \(bind: query.keywords.map(Self.phrase).joined(separator: " AND ")))"
                    : "(" + query.keywords.map(keywordCondition).joined(separator: " AND ") + ")"
            } else {
                conditions.append(levelKey + "\(unsafeRaw: " = \(level)")")
            }
        }
        for condition in conditions {
            sql += " AND "
            sql += condition
        }
        if case .after(let cursor) = position {
            sql += " AND "
            sql += after(cursor, order)
        }
        let nameDirection = order.nameDescending ? " DESC" : ""
        var terms: [SQLQueryString] = []
        if let key = order.key, levelKey == nil { terms.append(key + (order.keyDescending ? " DESC" : "")) }
        terms.append("\(unsafeRaw: "n.name\(nameDirection), n.id\(nameDirection)")")
        sql += " ORDER BY " + terms.joined(separator: ", ")
        sql += "\(unsafeRaw: " LIMIT \(max(0, limit))")"
        if case .offset(let offset) = position, offset > 0 {
            sql += "\(unsafeRaw: " OFFSET \(offset)")"
        }
        return sql
    }

    /// The per-space index that gives the query's order (migration 3).
    static func orderIndex(_ query: SearchQuery) -> String {
        switch query.order.field {
        case .relevance, .name: return "nodes_space_name"
        case .modificationTime: return "nodes_space_updated"
        case .creationTime: return "nodes_space_created"
        case .size: return "nodes_space_size"
        case .localCreationTime: return "nodes_space_local_created"
        case .localModificationTime: return "nodes_space_local_modified"
        }
    }

    /// The scope's live entries, counted up to `limit + 1`.
    func scopeCount(_ scope: Inode, limit: Int) -> SQLQueryString {
        let count: SQLQueryString = """
             SELECT COUNT(*) AS n FROM (
                SELECT 1 FROM nodes n INDEXED BY nodes_live_name WHERE n.parent_id IN (SELECT id FROM scope_dirs)
                    AND n.state = 'live' LIMIT \(unsafeRaw: String(limit + 1))
            ) c
            """
        return Self.scopeDirectories(scope) + count
    }

    /// `scope_dirs`: the scope and its live directories below, stopping at recycled ones.
    static func scopeDirectories(_ scope: Inode) -> SQLQueryString {
        """
        WITH RECURSIVE scope_dirs(id) AS (
            SELECT CAST(\(bind: scope.rawValue) AS BIGINT)
            UNION ALL
            SELECT n.id FROM nodes n JOIN scope_dirs d ON n.parent_id = d.id WHERE n.kind = 'dir' AND n.state = 'live'
        )
        """
    }

    /// Whether every keyword can be looked up in the trigram index (SQLite only).
    func keywordsIndexed(_ query: SearchQuery) -> Bool {
        dialect == .sqlite && !query.keywords.isEmpty
            && query.keywords.allSatisfy { $0.count >= Self.trigramLength }
    }

    /// How many names contain the keyword, in the whole database (an upper bound for one space).
    func matchCount(_ keyword: String) -> SQLQueryString {
        "SELECT COUNT(*) AS n FROM node_names WHERE node_names MATCH \(bind: Self.phrase(keyword))"
    }

    static func phrase(_ keyword: String) -> String {
        "\"" + keyword.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Rows after the cursor in the order: a greater (or, descending, smaller) key, or the same key and a later
    /// (name, id).
    func after(_ cursor: SearchCursor, _ order: Order) -> SQLQueryString {
        let nameOp = order.nameDescending ? "<" : ">"
        let rest: SQLQueryString = "(n.name, n.id) \(unsafeRaw: nameOp) (\(bind: cursor.name), \(bind: cursor.inode))"
        guard let key = order.key else { return rest }
        let value = cursor.key ?? 0
        let keyOp = order.keyDescending ? " < " : " > "
        return "(" + key + "\(unsafeRaw: keyOp)\(bind: value) OR (" + key + " = \(bind: value) AND " + rest + "))"
    }

    func order(_ query: SearchQuery) -> Order {
        let descending = query.order.descending
        switch query.order.field {
        case .relevance:
            // One keyword: every match scores 1, so the order is by name and can follow the index.
            guard query.keywords.count > 1 else { return Order() }
            let terms = query.keywords.map { "(CASE WHEN " + keywordCondition($0) + " THEN 1 ELSE 0 END)" }
            return Order(key: "(" + terms.joined(separator: " + ") + ")", keyDescending: true)
        case .name: return Order(nameDescending: descending)
        case .modificationTime: return Order(key: "n.updated_at", keyDescending: descending)
        case .creationTime: return Order(key: "n.created_at", keyDescending: descending)
        case .size: return Order(key: "n.size", keyDescending: descending)
        // Items without a client-local time sort by the server's time (assumed).
        case .localCreationTime:
            return Order(key: "COALESCE(n.local_created_at, n.created_at)", keyDescending: descending)
        case .localModificationTime:
            return Order(key: "COALESCE(n.local_modified_at, n.updated_at)", keyDescending: descending)
        }
    }

    /// The filters, each one SQL condition, all to be combined with AND.
    func conditions(_ query: SearchQuery) -> [SQLQueryString] {
        var out: [SQLQueryString] = []
        if !query.keywords.isEmpty {
            out.append("(" + query.keywords.map(keywordCondition).joined(separator: " OR ") + ")")
        }
        if !query.include.isEmpty {
            out.append("(" + query.include.map(typeCondition).joined(separator: " OR ") + ")")
        }
        for type in query.exclude {
            out.append("NOT " + typeCondition(type))
        }
        if !query.extensions.isEmpty {
            out.append(extensionCondition(query.extensions))
        }
        for excluded in query.excludedExtensions {
            out.append("NOT " + extensionCondition([excluded]))
        }
        if !query.kinds.isEmpty {
            out.append("n.kind IN (" + query.kinds.map { "\(bind: $0.rawValue)" }.joined(separator: ", ") + ")")
        }
        if query.minSize != nil || query.maxSize != nil {
            var size: SQLQueryString = "(n.kind <> 'dir'"
            if let min = query.minSize { size += " AND n.size >= \(bind: min)" }
            if let max = query.maxSize { size += " AND n.size <= \(bind: max)" }
            out.append(size + ")")
        }
        if let from = query.modifiedFrom { out.append("n.updated_at >= \(bind: from.milliseconds)") }
        if let to = query.modifiedTo { out.append("n.updated_at <= \(bind: to.milliseconds)") }
        if !query.labels.isEmpty {
            // Labels are stored as a JSON array; a label matches as its JSON string, quotes included.
            out.append(
                "("
                    + query.labels.map { label -> SQLQueryString in
                        let json = (try? SQLStore.encodeJSON([label]))?.dropFirst().dropLast() ?? ""
                        return "n.labels LIKE \(bind: "%" + Self.escapeLike(String(json)) + "%") ESCAPE '\\'"
                    }.joined(separator: " OR ") + ")")
        }
        if !query.categories.isEmpty {
            out.append("n.category IN (" + query.categories.map { "\(bind: $0)" }.joined(separator: ", ") + ")")
        }
        if !query.creators.isEmpty {
            out.append("n.creator_user_id IN (" + query.creators.map { "\(bind: $0)" }.joined(separator: ", ") + ")")
        }
        // No object carries legacy tags (spec 30 §7.3 is not built), so a tag condition matches nothing.
        if !query.tags.isEmpty { out.append("1 = 0") }
        return out
    }

    /// Whether the name contains the (lower-cased) keyword: through the trigram index where there is one.
    func keywordCondition(_ keyword: String) -> SQLQueryString {
        let pattern = "%" + Self.escapeLike(keyword) + "%"
        switch dialect {
        case .sqlite:
            guard keyword.count >= Self.trigramLength else {
                return "n.name LIKE \(bind: pattern) ESCAPE '\\'"
            }
            return "n.id IN (SELECT rowid FROM node_names WHERE node_names MATCH \(bind: Self.phrase(keyword)))"
        case .postgres:
            return "lower(n.name) LIKE \(bind: pattern) ESCAPE '\\'"
        }
    }

    func typeCondition(_ type: SearchType) -> SQLQueryString {
        switch type.selection {
        case .everything: return "1 = 1"
        case .directories: return "n.kind = 'dir'"
        case .nonDirectories: return "n.kind <> 'dir'"
        case .extensions(let extensions): return extensionCondition(extensions)
        case .contentTypePrefix(let prefix):
            return "(n.kind <> 'dir' AND n.content_type LIKE \(bind: Self.escapeLike(prefix) + "%") ESCAPE '\\')"
        }
    }

    /// Files whose name ends in one of the extensions (lower-cased, without the dot).
    func extensionCondition(_ extensions: [String]) -> SQLQueryString {
        "(n.kind <> 'dir' AND ("
            + extensions.map { "lower(n.name) LIKE \(bind: "%." + Self.escapeLike($0)) ESCAPE '\\'" }
            .joined(separator: " OR ") + "))"
    }

    static func escapeLike(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
