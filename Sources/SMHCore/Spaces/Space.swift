/// A tenant space (spec 10 §3.1).
public struct Space: Sendable, Hashable {
    public let libraryId: LibraryID
    public let id: SpaceID
    /// The effective user who created it (`""` when none).
    public let userId: String
    public var settings: SpaceExtension
    public let rootInode: Inode
    /// Bytes counted against quota: current files, recycle bin and history versions (spec 00).
    public var usedBytes: Int64
    public let createdAt: Timestamp

    public init(
        libraryId: LibraryID, id: SpaceID, userId: String, settings: SpaceExtension, rootInode: Inode,
        usedBytes: Int64, createdAt: Timestamp
    ) {
        self.libraryId = libraryId
        self.id = id
        self.userId = userId
        self.settings = settings
        self.rootInode = rootInode
        self.usedBytes = usedBytes
        self.createdAt = createdAt
    }

    /// Custom ids (spec 10 §1.2): `[a-z0-9-]`, 2–32 characters, no `-` at either end, not a reserved route word.
    public static func validateCustomId(_ raw: String) throws(SMHError) -> SpaceID {
        let bytes = Array(raw.utf8)
        let allowed = bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
        guard allowed, (2...32).contains(bytes.count), bytes.first != UInt8(ascii: "-"),
            bytes.last != UInt8(ascii: "-")
        else {
            throw SMHError(
                .spaceIdInvalid,
                "A space id is 2 to 32 characters of a-z, 0-9 and '-', not starting or ending with '-'.")
        }
        guard !reservedIds.contains(raw) else {
            throw SMHError(.spaceIdInvalid, "'\(raw)' is reserved and cannot be a space id.")
        }
        return SpaceID(raw)
    }

    static let reservedIds: Set<String> = ["list", "count"]

    /// Generated ids: `space` + 13 chars of `[0-9a-z]`, so the Flutter SDK's token cache recognises them.
    public static func generateId() -> SpaceID {
        SpaceID("space" + RandomToken.alphanumeric(count: 13))
    }
}
