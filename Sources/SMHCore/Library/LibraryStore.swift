/// Persistence of libraries. Each method is one transaction in the implementation.
public protocol LibraryStore: Sendable {
    /// Inserts the library and, for a single-tenant library, its one space `-`.
    func insertLibrary(_ library: Library) async throws
    func library(_ id: LibraryID) async throws -> Library?
    /// All libraries, oldest first. Libraries are few (they are created by an operator), so no paging.
    func libraries() async throws -> [Library]
    /// Stores new settings; false when the library does not exist.
    func updateLibrary(_ id: LibraryID, settings: LibrarySettings, at time: Timestamp) async throws -> Bool
    /// Replaces the secret hash and salt; false when the library does not exist or, with `ifCurrent`, when its hash is
    /// no longer that one (another request replaced it first).
    func replaceLibrarySecret(
        _ id: LibraryID, secretHash: String, salt: String?, ifCurrent: String?, at time: Timestamp
    ) async throws -> Bool
    /// The maintained counters of each library that exists among `ids`, summed over its spaces.
    func libraryTotals(_ ids: [LibraryID]) async throws -> [LibraryID: LibraryTotals]
    /// Deletes the library and everything in it. Without `force`, a library holding content is left alone.
    func deleteLibrary(_ id: LibraryID, force: Bool) async throws -> LibraryDeletion
}

public enum LibraryDeletion: Sendable, Equatable {
    case deleted
    case notFound
    case notEmpty
}

/// What a library holds, from the counters every write keeps (no scan).
public struct LibraryTotals: Sendable, Equatable {
    public var bytes: Int64
    public var directories: Int64
    public var files: Int64

    public init(bytes: Int64, directories: Int64, files: Int64) {
        self.bytes = bytes
        self.directories = directories
        self.files = files
    }
}
