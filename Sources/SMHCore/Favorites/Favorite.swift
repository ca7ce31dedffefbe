/// A user's favorite in a space (spec 30 §6.0): an inode, so it follows its object through renames and moves.
public struct Favorite: Sendable, Hashable {
    public let spaceId: SpaceID
    public let userId: String
    public let inode: Inode
    public let favoritedAt: Timestamp

    public init(spaceId: SpaceID, userId: String, inode: Inode, favoritedAt: Timestamp) {
        self.spaceId = spaceId
        self.userId = userId
        self.inode = inode
        self.favoritedAt = favoritedAt
    }
}

/// Persistence of favorites.
public protocol FavoriteStore: Sendable {
    /// False when the user already has it (`DuplicateFavoriteRecord`).
    func addFavorite(_ favorite: Favorite, library: LibraryID) async throws -> Bool
    /// False when the user does not have it.
    func removeFavorite(library: LibraryID, space: SpaceID, userId: String, inode: Inode) async throws -> Bool
    /// One page of a user's favorites in a space, by favorite time (then inode), after `after` when given.
    func favorites(
        library: LibraryID, space: SpaceID, userId: String, descending: Bool, after: Favorite?, offset: Int, limit: Int
    ) async throws -> [Favorite]
    func countFavorites(library: LibraryID, space: SpaceID, userId: String) async throws -> Int
    /// Which of `inodes` the user has favorited (for `isFavorite` flags).
    func favorited(library: LibraryID, space: SpaceID, userId: String, among inodes: [Inode]) async throws -> Set<Inode>
}
