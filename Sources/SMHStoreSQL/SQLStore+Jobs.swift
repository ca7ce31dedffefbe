import SMHCore
import SQLKit

extension SQLStore: JobStore {
    static func decodeJob(_ row: any SQLRow) throws -> Job {
        let state = Job.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .queued
        let result = try row.decode(column: "result", as: String?.self)
        // `result` holds "<status>\n<json>" once done.
        var status = 202
        var body: String?
        if state == .done, let result, let newline = result.firstIndex(of: "\n") {
            status = Int(result[..<newline]) ?? 500
            let rest = String(result[result.index(after: newline)...])
            body = rest.isEmpty ? nil : rest
        }
        return Job(
            id: try row.decode(column: "id", as: Int64.self), kind: try row.decode(column: "kind", as: String.self),
            libraryId: LibraryID(try row.decode(column: "library_id", as: String?.self) ?? ""),
            spaceId: try row.decode(column: "space_id", as: String?.self).map { SpaceID($0) },
            payload: try row.decode(column: "payload", as: String.self), state: state, status: status, result: body,
            attempts: try row.decode(column: "attempts", as: Int.self),
            finishedAt: state == .done
                ? Timestamp(milliseconds: try row.decode(column: "updated_at", as: Int64.self)) : nil)
    }

    public func enqueueJob(kind: String, library: LibraryID, space: SpaceID?, payload: String, at time: Timestamp)
        async throws -> Int64
    {
        try await transaction { db in
            guard
                let id = try await db.raw(
                    """
                    INSERT INTO jobs (kind, library_id, space_id, payload, state, attempts, run_after, created_at, updated_at)
                    VALUES (\(bind: kind), \(bind: library.rawValue), \(bind: space?.rawValue), \(bind: payload), 'queued', 0,
                            \(bind: time.milliseconds), \(bind: time.milliseconds), \(bind: time.milliseconds))
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int64.self)
            else { throw SMHError.internalError(StoreInvariant("job insert returned nothing")) }
            return id
        }
    }

    public func claimJob(owner: String, now: Timestamp, leaseUntil: Timestamp) async throws -> Job? {
        let lock = dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await transaction { db in
            try await db.raw(
                """
                UPDATE jobs SET state = 'running', lease_owner = \(bind: owner),
                    lease_expires_at = \(bind: leaseUntil.milliseconds), attempts = attempts + 1,
                    updated_at = \(bind: now.milliseconds)
                WHERE id = (
                    SELECT id FROM jobs
                    WHERE (state = 'queued' AND run_after <= \(bind: now.milliseconds))
                        OR (state = 'running' AND lease_expires_at < \(bind: now.milliseconds))
                    ORDER BY id LIMIT 1\(unsafeRaw: lock)
                )
                RETURNING *
                """
            ).first().map(Self.decodeJob)
        }
    }

    public func finishJob(_ id: Int64, owner: String, status: Int, result: String?, at time: Timestamp) async throws {
        try await transaction { db in
            try await db.raw(
                """
                UPDATE jobs SET state = 'done', result = \(bind: "\(status)\n\(result ?? "")"), lease_owner = NULL,
                    lease_expires_at = NULL, updated_at = \(bind: time.milliseconds)
                WHERE id = \(bind: id) AND lease_owner = \(bind: owner) AND state = 'running'
                """
            ).run()
        }
    }

    /// Jobs waiting and running, for the metrics (the `jobs_runnable` index answers it).
    public func unfinishedJobCounts() async throws -> (queued: Int, running: Int) {
        try await read { db in
            var counts = (queued: 0, running: 0)
            for row in try await db.raw(
                "SELECT state, COUNT(*) AS n FROM jobs WHERE state IN ('queued', 'running') GROUP BY state"
            ).all() {
                let count = try row.decode(column: "n", as: Int.self)
                if try row.decode(column: "state", as: String.self) == "queued" {
                    counts.queued = count
                } else {
                    counts.running = count
                }
            }
            return counts
        }
    }

    public func retryJob(_ id: Int64, owner: String, runAfter: Timestamp, at time: Timestamp) async throws {
        try await transaction { db in
            try await db.raw(
                """
                UPDATE jobs SET state = 'queued', run_after = \(bind: runAfter.milliseconds), lease_owner = NULL,
                    lease_expires_at = NULL, updated_at = \(bind: time.milliseconds)
                WHERE id = \(bind: id) AND lease_owner = \(bind: owner) AND state = 'running'
                """
            ).run()
        }
    }

    public func jobs(library: LibraryID, space: SpaceID?, ids: [Int64], now: Timestamp) async throws -> [Job] {
        guard !ids.isEmpty else { return [] }
        var sql: SQLQueryString = "SELECT * FROM jobs WHERE library_id = \(bind: library.rawValue)"
        if let space {
            sql.appendInterpolation(unsafeRaw: " AND space_id = ")
            sql.appendInterpolation(bind: space.rawValue)
        } else {
            sql.appendInterpolation(unsafeRaw: " AND space_id IS NULL")
        }
        sql.appendInterpolation(unsafeRaw: " AND (state <> 'done' OR updated_at > ")
        sql.appendInterpolation(bind: now.milliseconds - Job.retentionSeconds * 1000)
        sql.appendInterpolation(unsafeRaw: ") AND id IN (")
        for (index, id) in ids.enumerated() {
            if index > 0 { sql.appendInterpolation(unsafeRaw: ", ") }
            sql.appendInterpolation(bind: id)
        }
        sql.appendInterpolation(unsafeRaw: ")")
        let query = sql
        let found = try await read { db in try await db.raw(query).all().map(Self.decodeJob) }
        let byId = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byId[$0] }
    }
}
