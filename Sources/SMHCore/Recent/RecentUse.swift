/// One use of a file by a user (spec 30 §7.1): the latest use per user and file is what the list shows.
public struct RecentUse: Sendable, Hashable {
    public enum Action: String, Sendable, CaseIterable {
        case preview
        case modify
    }

    public let libraryId: LibraryID
    public let spaceId: SpaceID
    public let userId: String
    public let inode: Inode
    public let action: Action
    public let at: Timestamp

    public init(libraryId: LibraryID, spaceId: SpaceID, userId: String, inode: Inode, action: Action, at: Timestamp) {
        self.libraryId = libraryId
        self.spaceId = spaceId
        self.userId = userId
        self.inode = inode
        self.action = action
        self.at = at
    }
}
