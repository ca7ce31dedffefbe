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
    func confirmUpload(
        _ session: UploadSession, in space: Space, strategy: ConflictStrategy, maxNameLength: Int, at time: Timestamp
    ) async throws -> (path: [String], node: Node, overwritten: Bool)
}
