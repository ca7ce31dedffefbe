/// Persistence of libraries. Each method is one transaction in the implementation.
public protocol LibraryStore: Sendable {
    /// Inserts the library and, for a single-tenant library, its one space `-`.
    func insertLibrary(_ library: Library) async throws
    func library(_ id: LibraryID) async throws -> Library?
    /// All libraries, oldest first. Libraries are few (they are created by an operator), so no paging.
    func libraries() async throws -> [Library]
    /// Stores new settings; false when the library does not exist.
    func updateLibrary(_ id: LibraryID, settings: LibrarySettings, at time: Timestamp) async throws -> Bool
    /// Replaces the secret hash; false when the library does not exist.
    func replaceLibrarySecret(_ id: LibraryID, secretHash: String, at time: Timestamp) async throws -> Bool
    /// Deletes the library and everything in it. Without `force`, a library holding content is left alone.
    func deleteLibrary(_ id: LibraryID, force: Bool) async throws -> LibraryDeletion
}

public enum LibraryDeletion: Sendable, Equatable {
    case deleted
    case notFound
    case notEmpty
}
