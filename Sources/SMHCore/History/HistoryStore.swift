/// Persistence of historical versions (spec 30 §4). Every mutating method is one transaction.
public protocol HistoryStore: Sendable {
    /// The historical versions of a file, newest first.
    func versions(of file: Inode) async throws -> [FileVersion]
    /// A version of a live file of the space.
    func version(_ id: Int64, in space: Space) async throws -> FileVersion?
    /// H5: the version's content becomes the file's latest; the latest so far becomes a historical version. Returns
    /// the file as it now is.
    func setLatest(_ id: Int64, in space: Space, policy: HistoryPolicy?, at time: Timestamp) async throws -> Node
    /// H6: unknown ids and ids of other spaces are ignored.
    func deleteVersions(_ ids: [Int64], in space: Space, at time: Timestamp) async throws
    /// Every historical version of the library (H2 `isClearFileHistory`).
    /// Removes every historical version of the library; returns how many.
    @discardableResult
    func clearHistory(library: LibraryID, at time: Timestamp) async throws -> Int
    /// Versions older than `days` in a library (the expiry of `fileHistoryExpireDay`).
    func pruneExpiredVersions(library: LibraryID, days: Int, now: Timestamp) async throws -> Int
}
