import SMHCore
import SQLKit

/// The SQL of one search page (spec 30 S1). The scope's live directories are collected first (a recursive walk over
/// directories only, which stops at recycled ones), then nodes are filtered by parent, name, type and description.
/// Every order is a tuple (key, name, id) sorted ascending — descending keys are negated — or, for names
/// descending, (name, id) descending; a stored cursor continues with the same tuple comparison.
struct SearchSQL {
    let dialect: SQLDialectKind

    /// FTS5's trigram index answers substrings of at least three characters; shorter keywords are matched by LIKE.
    static let trigramLength = 3

    func page(_ query: SearchQuery, space: Space, scope: Inode, from position: SearchPosition, limit: Int)
        -> SQLQueryString
    {
        let key = sortKey(query)
        var sql: SQLQueryString = """
            WITH RECURSIVE scope_dirs(id) AS (
                SELECT CAST(\(bind: scope.rawValue) AS BIGINT)
                UNION ALL
                SELECT n.id FROM nodes n JOIN scope_dirs d ON n.parent_id = d.id
                WHERE n.kind = 'dir' AND n.state = 'live'
            )
            SELECT * FROM (SELECT n.*, 
            """
        sql += key ?? "CAST(NULL AS BIGINT)"
        sql += """
             AS sort_key FROM nodes n
            WHERE n.library_id = \(bind: space.libraryId.rawValue) AND n.space_id = \(bind: space.id.rawValue)
                AND n.state = 'live' AND n.parent_id IN (SELECT id FROM scope_dirs)
            """
        for condition in conditions(query) {
            sql += " AND "
            sql += condition
        }
        sql += ") r"
        let nameDescending = query.order.field == .name && query.order.descending
        if case .after(let cursor) = position {
            if key != nil {
                sql += " WHERE (r.sort_key, r.name, r.id) > (\(bind: cursor.key ?? 0), "
            } else {
                sql += nameDescending ? " WHERE (r.name, r.id) < (" : " WHERE (r.name, r.id) > ("
            }
            sql += "\(bind: cursor.name), \(bind: cursor.inode))"
        }
        let order =
            nameDescending ? "r.name DESC, r.id DESC" : (key != nil ? "r.sort_key, r.name, r.id" : "r.name, r.id")
        sql += "\(unsafeRaw: " ORDER BY \(order) LIMIT \(max(0, limit))")"
        if case .offset(let offset) = position, offset > 0 {
            sql += "\(unsafeRaw: " OFFSET \(offset)")"
        }
        return sql
    }

    /// The order key, or nil when the order is by name alone.
    func sortKey(_ query: SearchQuery) -> SQLQueryString? {
        let order = query.order
        let field: String
        switch order.field {
        case .relevance:
            guard !query.keywords.isEmpty else { return nil }
            // Most matched keywords first: the count, negated.
            let terms = query.keywords.map { "(CASE WHEN " + keywordCondition($0) + " THEN 1 ELSE 0 END)" }
            return "-(" + terms.joined(separator: " + ") + ")"
        case .name: return nil
        case .modificationTime: field = "n.updated_at"
        case .creationTime: field = "n.created_at"
        case .size: field = "(CASE WHEN n.kind = 'dir' THEN 0 ELSE n.size END)"
        // Items without a client-local time sort by the server's time (assumed).
        case .localCreationTime: field = "COALESCE(n.local_created_at, n.created_at)"
        case .localModificationTime: field = "COALESCE(n.local_modified_at, n.updated_at)"
        }
        return "\(unsafeRaw: order.descending ? "-\(field)" : field)"
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
            let phrase = "\"" + keyword.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return "n.id IN (SELECT rowid FROM node_names WHERE node_names MATCH \(bind: phrase))"
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
