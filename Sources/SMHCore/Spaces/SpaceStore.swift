/// Persistence of tenant spaces.
public protocol SpaceStore: Sendable {
    /// May come from a cache up to a second old (see the store): its `usedBytes` is not authoritative; read usage
    /// with `usedBytes(library:spaces:)`.
    func space(library: LibraryID, id: SpaceID) async throws -> Space?
    /// Inserts a space with its root directory; false when the id is taken.
    func insertSpace(library: LibraryID, id: SpaceID, userId: String, settings: SpaceExtension, at time: Timestamp)
        async throws -> Bool
    /// Spaces in ascending id order, after `after`, starting with `prefix`, of `owner` when given (tenant spaces
    /// only: never `-`). Pages through the database: `limit` rows at most.
    func spaces(library: LibraryID, owner: String?, after: SpaceID?, prefix: String?, limit: Int) async throws
        -> [Space]
    func countSpaces(library: LibraryID) async throws -> Int
    func updateSpaceExtension(library: LibraryID, id: SpaceID, settings: SpaceExtension) async throws -> Bool
    func deleteSpace(library: LibraryID, id: SpaceID, force: Bool) async throws -> SpaceDeletion
    /// Spec 10 §3.10's counts (see `SpaceService.fileCounts`).
    func fileCounts(library: LibraryID, space: SpaceID) async throws -> SpaceFileCounts
    /// Sum of the bytes used by every space of the library.
    func libraryUsedBytes(library: LibraryID) async throws -> Int64
}

public enum SpaceDeletion: Sendable, Equatable {
    case deleted
    case notFound
    case notEmpty
}
