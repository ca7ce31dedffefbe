/// Persistence of upload tasks and their completion.
public protocol UploadStore: Sendable {
    func insertUpload(_ session: UploadSession) async throws
    func upload(confirmKey: String) async throws -> UploadSession?
    /// Records the content received for a pending task; returns the content it replaces (to be discarded), or
    /// throws `UploadNotFound` / `UploadComplete` when the task is not pending any more.
    func attachContent(confirmKey: String, _ staged: StagedBlob, at time: Timestamp) async throws -> StagedBlob?
    /// In one transaction: places the file (new node, or new content for the same inode when overwriting), takes a
    /// reference on the blob, charges the space, and marks the task confirmed. Returns the final path, the node and
    /// whether an existing file was replaced.
    /// `commit` runs inside the transaction, after the blob row has taken its reference: a collector that deletes
    /// unreferenced blobs cannot slip between the bytes arriving at their address and the reference.
    func confirmUpload(
        _ session: UploadSession, content: ContentDigest, in space: Space, strategy: ConflictStrategy,
        maxNameLength: Int, history: HistoryPolicy?, at time: Timestamp,
        commit: @escaping @Sendable () async throws -> Void
    ) async throws -> (path: [String], node: Node, overwritten: Bool)

    /// Records a received part of a pending multipart task (last one wins); returns the part it replaces (to be
    /// discarded). `UploadNotFound` / `UploadComplete` when the task is not pending any more.
    func attachPart(confirmKey: String, _ part: StagedPart) async throws -> StagedPart?
    /// Multipart: records the digest of the assembled parts (see `UploadSession.staged`).
    func recordAssembly(confirmKey: String, _ assembled: StagedBlob) async throws
    /// The received parts of a task, by part number.
    func parts(confirmKey: String) async throws -> [StagedPart]
    /// Marks a pending task aborted (`UploadComplete` when it is confirmed) and returns it.
    func abortUpload(confirmKey: String) async throws -> UploadSession
    /// Instant upload (spec 20 §2.2): content of this size and hashes that the space already holds.
    func findContent(in space: Space, size: Int64, beginningHash: String?, fullHash: String?) async throws
        -> ContentDigest?
    /// Instant upload: places a file with existing content, as a confirm would (one more blob reference).
    func placeExisting(
        _ content: ContentDigest, session: UploadSession, in space: Space, strategy: ConflictStrategy,
        maxNameLength: Int, history: HistoryPolicy?, at time: Timestamp
    ) async throws -> (path: [String], node: Node, overwritten: Bool)
    /// Tasks to clean up: aborted ones, and pending or confirmed ones past their expiry (a confirmed task is kept
    /// `UploadSession.confirmedRetentionSeconds` after its confirm).
    func finishedUploads(now: Timestamp, limit: Int) async throws -> [UploadSession]
    /// Deletes a task row (its parts go with it).
    func deleteUpload(confirmKey: String) async throws
    /// Blobs nothing has referenced since before `cutoff`: their rows are deleted one by one, each inside a
    /// transaction that also runs `remove` for the bytes, so a concurrent new reference either wins or waits.
    func collectUnreferencedBlobs(
        before cutoff: Timestamp, limit: Int, remove: @escaping @Sendable (String) async throws -> Void
    )
        async throws -> Int
}
