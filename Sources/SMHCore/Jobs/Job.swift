/// A unit of work run outside the request that asked for it (spec 30 §2): persisted in the `jobs` table, claimed
/// under a lease so several processes can share the queue, retried with back-off, and read by the Query Task API.
public struct Job: Sendable, Hashable {
    public enum State: String, Sendable {
        case queued, running, done
    }

    public let id: Int64
    public let kind: String
    public let libraryId: LibraryID
    /// Nil for library-level tasks (T2).
    public let spaceId: SpaceID?
    /// The operation's input, JSON.
    public let payload: String
    public let state: State
    /// 202 while not done; 200 / 204 / 207 / 500 when done (spec 30 §2.0).
    public let status: Int
    /// The stored result JSON (for 200 and 207).
    public let result: String?
    public let attempts: Int
    public let finishedAt: Timestamp?

    public init(
        id: Int64, kind: String, libraryId: LibraryID, spaceId: SpaceID?, payload: String, state: State, status: Int,
        result: String?, attempts: Int, finishedAt: Timestamp?
    ) {
        self.id = id
        self.kind = kind
        self.libraryId = libraryId
        self.spaceId = spaceId
        self.payload = payload
        self.state = state
        self.status = status
        self.result = result
        self.attempts = attempts
        self.finishedAt = finishedAt
    }

    /// Finished tasks can be queried this long (spec 30 §2.0: 30 days).
    public static let retentionSeconds: Int64 = 30 * 86_400
    public static let maxAttempts = 3
}

/// Persistence of jobs.
public protocol JobStore: Sendable {
    func enqueueJob(kind: String, library: LibraryID, space: SpaceID?, payload: String, at time: Timestamp)
        async throws -> Int64
    /// Takes the oldest runnable job — queued and due, or running under an expired lease — for `owner` until
    /// `leaseUntil`. Atomic across processes (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on SQLite).
    func claimJob(owner: String, now: Timestamp, leaseUntil: Timestamp) async throws -> Job?
    /// Records the outcome, if `owner` still holds the lease.
    func finishJob(_ id: Int64, owner: String, status: Int, result: String?, at time: Timestamp) async throws
    /// Puts the job back in the queue until `runAfter` (after a failure), if `owner` still holds the lease.
    func retryJob(_ id: Int64, owner: String, runAfter: Timestamp, at time: Timestamp) async throws
    /// Jobs of a scope by id (`space` nil: library-level), finished ones only within their retention.
    func jobs(library: LibraryID, space: SpaceID?, ids: [Int64], now: Timestamp) async throws -> [Job]
}
