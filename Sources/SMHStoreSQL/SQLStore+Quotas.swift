import SMHCore
import SQLKit

extension SQLStore: QuotaStore {
    public func createQuota(library: LibraryID, _ quota: Quota, at time: Timestamp) async throws -> Int64 {
        try await transaction { db in
            try await Self.claim(db, library: library, spaces: quota.spaces, for: nil)
            guard
                let id = try await db.raw(
                    """
                    INSERT INTO quotas (library_id, capacity, remove_when_exceed, remove_after_days, remove_newest,
                                        created_at)
                    VALUES (\(bind: library.rawValue), \(bind: quota.capacity), \(bind: quota.removeWhenExceed),
                            \(bind: quota.removeAfterDays), \(bind: quota.removeNewest), \(bind: time.milliseconds))
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int64.self)
            else { throw SMHError.internalError(StoreInvariant("quota insert returned nothing")) }
            try await Self.attach(db, library: library, spaces: quota.spaces, to: id)
            return id
        }
    }

    /// Refuses spaces that another quota already covers (`409 DuplicateQuota`).
    static func claim(_ db: any SQLDatabase, library: LibraryID, spaces: [SpaceID], for quota: Int64?) async throws {
        for space in spaces {
            if let owner = try await db.raw(
                """
                SELECT quota_id FROM quota_spaces
                WHERE library_id = \(bind: library.rawValue) AND space_id = \(bind: space.rawValue)
                """
            ).first()?.decode(column: "quota_id", as: Int64.self), owner != quota {
                throw SMHError(.duplicateQuota, "Space \(space.rawValue) already belongs to quota \(owner).")
            }
        }
    }

    static func attach(_ db: any SQLDatabase, library: LibraryID, spaces: [SpaceID], to quota: Int64) async throws {
        for space in spaces {
            try await db.raw(
                """
                INSERT INTO quota_spaces (library_id, space_id, quota_id)
                VALUES (\(bind: library.rawValue), \(bind: space.rawValue), \(bind: quota))
                """
            ).run()
        }
    }

    static func decodeQuota(_ db: any SQLDatabase, _ row: any SQLRow) async throws -> Quota {
        let id = try row.decode(column: "id", as: Int64.self)
        let spaces = try await db.raw(
            "SELECT space_id FROM quota_spaces WHERE quota_id = \(bind: id) ORDER BY space_id"
        ).all().map { SpaceID(try $0.decode(column: "space_id", as: String.self)) }
        return Quota(
            id: id, spaces: spaces, capacity: try row.decode(column: "capacity", as: Int64.self),
            removeWhenExceed: try row.decode(column: "remove_when_exceed", as: Bool.self),
            removeAfterDays: try row.decode(column: "remove_after_days", as: Int64.self),
            removeNewest: try row.decode(column: "remove_newest", as: Bool.self))
    }

    public func quota(library: LibraryID, id: Int64) async throws -> Quota? {
        try await read { db in
            guard
                let row = try await db.raw(
                    "SELECT * FROM quotas WHERE library_id = \(bind: library.rawValue) AND id = \(bind: id)"
                ).first()
            else { return nil }
            return try await Self.decodeQuota(db, row)
        }
    }

    public func quota(library: LibraryID, space: SpaceID) async throws -> Quota? {
        try await read { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT q.* FROM quotas q JOIN quota_spaces qs ON qs.quota_id = q.id
                    WHERE qs.library_id = \(bind: library.rawValue) AND qs.space_id = \(bind: space.rawValue)
                    """
                ).first()
            else { return nil }
            return try await Self.decodeQuota(db, row)
        }
    }

    public func updateQuota(library: LibraryID, _ quota: Quota, replacingSpaces: Bool) async throws {
        try await transaction { db in
            if replacingSpaces {
                try await Self.claim(db, library: library, spaces: quota.spaces, for: quota.id)
                try await db.raw("DELETE FROM quota_spaces WHERE quota_id = \(bind: quota.id)").run()
                try await Self.attach(db, library: library, spaces: quota.spaces, to: quota.id)
            }
            try await db.raw(
                """
                UPDATE quotas SET capacity = \(bind: quota.capacity), remove_when_exceed = \(bind: quota.removeWhenExceed),
                    remove_after_days = \(bind: quota.removeAfterDays), remove_newest = \(bind: quota.removeNewest)
                WHERE library_id = \(bind: library.rawValue) AND id = \(bind: quota.id)
                """
            ).run()
        }
    }

    public func allocatedQuota(library: LibraryID) async throws -> Int64 {
        try await read { db in
            try await db.raw(
                """
                SELECT CAST(COALESCE(SUM(capacity), 0) AS BIGINT) AS allocated FROM quotas
                WHERE library_id = \(bind: library.rawValue)
                """
            ).first()?.decode(column: "allocated", as: Int64.self) ?? 0
        }
    }

    public func usedBytes(library: LibraryID, spaces: [SpaceID]) async throws -> Int64 {
        guard !spaces.isEmpty else { return 0 }
        var sql = SQLQueryString(
            "SELECT CAST(COALESCE(SUM(used_bytes), 0) AS BIGINT) AS used FROM spaces WHERE library_id = ")
        sql.appendInterpolation(bind: library.rawValue)
        sql.appendInterpolation(unsafeRaw: " AND id IN (")
        for (index, space) in spaces.enumerated() {
            if index > 0 { sql.appendInterpolation(unsafeRaw: ", ") }
            sql.appendInterpolation(bind: space.rawValue)
        }
        sql.appendInterpolation(unsafeRaw: ")")
        let query = sql
        return try await read { db in try await db.raw(query).first()?.decode(column: "used", as: Int64.self) ?? 0 }
    }
}
