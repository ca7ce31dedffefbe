import SMHCore
import SQLKit

extension SQLStore {
    /// The SQL of one listing page. Every order is a tuple (group, key, name, id) compared and sorted ascending, or
    /// for names descending (group ascending, then name, id descending); see `ListingOrder`. The cursor condition
    /// uses the same tuple, so a page starts exactly after the last item of the previous one.
    static func listingSQL(_ directory: Inode, query: ListingQuery, mediaOrder: Bool) -> SQLQueryString {
        let group = query.union ? "0" : "(CASE WHEN kind = 'dir' THEN 0 ELSE 1 END)"
        let (keyKind, negated, filesOnly) = ListingOrder.key(for: query, mediaOrder: mediaOrder)
        var key: String
        switch keyKind {
        case .none: key = "0"
        case .creationTime: key = "created_at"
        case .modificationTime: key = "updated_at"
        case .size: key = "(CASE WHEN kind = 'dir' THEN 0 ELSE size END)"
        }
        if filesOnly { key = "(CASE WHEN kind = 'dir' THEN 0 ELSE \(key) END)" }
        if negated { key = "(-\(key))" }
        let nameDescending = ListingOrder.isNameDescending(query)

        var sql = SQLQueryString("SELECT * FROM nodes WHERE parent_id = \(bind: directory.rawValue) AND state = 'live'")
        switch query.filter {
        case .onlyDir: sql.appendInterpolation(unsafeRaw: " AND kind = 'dir'")
        case .onlyFile: sql.appendInterpolation(unsafeRaw: " AND kind <> 'dir'")
        case nil: break
        }
        if let prefix = query.prefix {
            sql.appendInterpolation(unsafeRaw: " AND substr(name, 1, \(prefix.unicodeScalars.count)) = ")
            sql.appendInterpolation(bind: prefix)
        }
        if let startName = query.startName {
            sql.appendInterpolation(unsafeRaw: nameDescending ? " AND name < " : " AND name > ")
            sql.appendInterpolation(bind: startName)
        }
        if case .marker(let after?, _) = query.paging {
            if nameDescending {
                sql.appendInterpolation(unsafeRaw: " AND (\(group) > ")
                sql.appendInterpolation(bind: after.group)
                sql.appendInterpolation(unsafeRaw: " OR (\(group) = ")
                sql.appendInterpolation(bind: after.group)
                sql.appendInterpolation(unsafeRaw: " AND (name, id) < (")
            } else {
                sql.appendInterpolation(unsafeRaw: " AND (\(group), \(key), name, id) > (")
                sql.appendInterpolation(bind: after.group)
                sql.appendInterpolation(unsafeRaw: ", ")
                sql.appendInterpolation(bind: after.key)
                sql.appendInterpolation(unsafeRaw: ", ")
            }
            sql.appendInterpolation(bind: after.name)
            sql.appendInterpolation(unsafeRaw: ", ")
            sql.appendInterpolation(bind: after.inode.rawValue)
            sql.appendInterpolation(unsafeRaw: nameDescending ? ")))" : ")")
        }
        // A bare integer in ORDER BY means a column position, so constant terms are left out.
        let leading = [group, key].filter { $0 != "0" }
        let trailing = nameDescending ? ["name DESC", "id DESC"] : ["name", "id"]
        sql.appendInterpolation(unsafeRaw: " ORDER BY " + (leading + trailing).joined(separator: ", "))
        switch query.paging {
        case .marker(_, let limit): sql.appendInterpolation(unsafeRaw: " LIMIT \(limit + 1)")
        case .offset(let offset, let limit): sql.appendInterpolation(unsafeRaw: " LIMIT \(limit) OFFSET \(offset)")
        }
        return sql
    }
}
