/// The version facts of one content of a file (spec 30 §4.0, H4).
public struct VersionInfo: Sendable, Hashable {
    public enum Way: Int, Sendable {
        case create = 0
        case update = 1
        case restore = 2
    }

    public var number: Int64
    public var way: Way
    /// When this content was created (uploaded).
    public var contentCreatedAt: Timestamp
    public var contentCreatedBy: String
    /// When this content (last) became the latest.
    public var latestSince: Timestamp

    public init(number: Int64, way: Way, contentCreatedAt: Timestamp, contentCreatedBy: String, latestSince: Timestamp)
    {
        self.number = number
        self.way = way
        self.contentCreatedAt = contentCreatedAt
        self.contentCreatedBy = contentCreatedBy
        self.latestSince = latestSince
    }
}

/// A historical version of a file: content the file had before an overwrite.
public struct FileVersion: Sendable, Hashable {
    public let id: Int64
    public let fileInode: Inode
    public let info: VersionInfo
    public let blobSha256: String
    public let size: Int64
    public let crc64: String?
    public let eTag: String?
    public let contentType: String

    public init(
        id: Int64, fileInode: Inode, info: VersionInfo, blobSha256: String, size: Int64, crc64: String?, eTag: String?,
        contentType: String
    ) {
        self.id = id
        self.fileInode = fileInode
        self.info = info
        self.blobSha256 = blobSha256
        self.size = size
        self.crc64 = crc64
        self.eTag = eTag
        self.contentType = contentType
    }

    /// The file as it looks with this content (for info, HEAD and downloads with `history_id`).
    public func applied(to file: Node) -> Node {
        Node(
            inode: file.inode, parent: file.parent, name: file.name, kind: file.kind, size: size,
            contentType: contentType, crc64: crc64, eTag: eTag, labels: file.labels, category: file.category,
            blobSha256: blobSha256, metaData: file.metaData, creatorUserId: file.creatorUserId,
            createdAt: file.createdAt, updatedAt: info.contentCreatedAt, linkTarget: nil, localTimes: file.localTimes,
            version: info)
    }
}

/// The library's history rules (spec 30 §4.0), as the store applies them on overwrite.
public struct HistoryPolicy: Sendable, Hashable {
    public let count: Int
    public let expireDays: Int
    public let mergeIntervalSeconds: Int

    public init(count: Int, expireDays: Int, mergeIntervalSeconds: Int) {
        self.count = count
        self.expireDays = expireDays
        self.mergeIntervalSeconds = mergeIntervalSeconds
    }

    /// Nil when the library keeps no history.
    public init?(_ settings: LibrarySettings) {
        guard settings.enableFileHistory else { return nil }
        self.init(
            count: settings.fileHistoryCount, expireDays: settings.fileHistoryExpireDay,
            mergeIntervalSeconds: settings.fileHistoryMergeInterval)
    }
}
