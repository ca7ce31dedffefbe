/// One entry of a space's tree: a directory (or album), a file, or a symbolic link. Its id is the inode.
public struct Node: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case directory = "dir"
        case file
        case symlink
    }

    public let inode: Inode
    public let parent: Inode?
    public let name: String
    public let kind: Kind
    public let size: Int64
    public let contentType: String
    public let crc64: String?
    public let eTag: String?
    public let labels: [String]
    public let category: String
    /// Content address of a file's bytes.
    public let blobSha256: String?
    /// `x-smh-meta-*` values, keys lower-cased.
    public let metaData: [String: String]
    public let creatorUserId: String
    public let createdAt: Timestamp
    /// For a directory: the last change of its direct children, which is also its eTag.
    public let updatedAt: Timestamp
    /// For a symbolic link: the inode it points at (spec 20 F-19 rule 1: the inode, not the path).
    public let linkTarget: Inode?
    public let localTimes: LocalTimes
    /// Files: which version the current content is (spec 30 §4.0).
    public let version: VersionInfo

    public init(
        inode: Inode, parent: Inode?, name: String, kind: Kind, size: Int64, contentType: String, crc64: String?,
        eTag: String?, labels: [String], category: String, blobSha256: String? = nil, metaData: [String: String] = [:],
        creatorUserId: String, createdAt: Timestamp, updatedAt: Timestamp, linkTarget: Inode? = nil,
        localTimes: LocalTimes = LocalTimes(), version: VersionInfo? = nil
    ) {
        self.inode = inode
        self.parent = parent
        self.name = name
        self.kind = kind
        self.size = size
        self.contentType = contentType
        self.crc64 = crc64
        self.eTag = eTag
        self.labels = labels
        self.category = category
        self.blobSha256 = blobSha256
        self.metaData = metaData
        self.creatorUserId = creatorUserId
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.linkTarget = linkTarget
        self.localTimes = localTimes
        self.version =
            version
            ?? VersionInfo(
                number: 1, way: .create, contentCreatedAt: updatedAt, contentCreatedBy: creatorUserId,
                latestSince: updatedAt)
    }

    /// The eTag clients see: a file's quoted MD5, a directory's change time (spec 20 §1.6).
    public var wireETag: String {
        kind == .directory ? String(updatedAt.milliseconds) : (eTag ?? "\"\"")
    }

    /// Inodes travel as 32 lower-case hex characters, the shape SMH's documentation shows (spec 20 §1.6).
    public static func formatInode(_ inode: Inode) -> String {
        let hex = String(UInt64(bitPattern: inode.rawValue), radix: 16)
        return String(repeating: "0", count: 32 - hex.count) + hex
    }

    public static func parseInode(_ text: String) -> Inode? {
        guard text.utf8.count == 32, let value = UInt64(text, radix: 16), value <= UInt64(Int64.max) else { return nil }
        return Inode(Int64(value))
    }
}
