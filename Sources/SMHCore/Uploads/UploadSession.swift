/// An upload task between begin and confirm (spec 20 §2.1), keyed by its confirm key.
public struct UploadSession: Sendable, Hashable {
    public enum State: String, Sendable {
        case pending
        case confirmed
        case aborted
    }

    public enum Kind: String, Sendable {
        case simple
        case multipart
    }

    public let confirmKey: String
    public let kind: Kind
    /// Multipart tasks: the id every part PUT repeats (spec 20 F-02).
    public let uploadId: String?
    public let libraryId: LibraryID
    public let spaceId: SpaceID
    public let userId: String
    public let path: ItemPath
    public let strategy: ConflictStrategy
    public let expectedSize: Int64?
    /// `x-smh-meta-*` headers of the begin request, keys lower-cased.
    public let metaData: [String: String]
    /// Labels, category and local times of the begin body; confirm may override them.
    public var description: FileDescription
    public var state: State
    /// Simple tasks: the received content, once the data-plane PUT finished. Multipart tasks: the digest of the
    /// assembled parts once a confirm computed it, with the parts' staging keys joined by `,` as `stagingKey` — valid
    /// only while the parts are still exactly those (a confirm interrupted after the parts became the blob finds
    /// its digest here, since the parts are no longer in the staging area).
    public var staged: StagedBlob?
    public var resultInode: Inode?
    public let createdAt: Timestamp
    public let expiresAt: Timestamp

    public init(
        confirmKey: String, kind: Kind = .simple, uploadId: String? = nil, libraryId: LibraryID, spaceId: SpaceID,
        userId: String, path: ItemPath,
        strategy: ConflictStrategy, expectedSize: Int64?, metaData: [String: String],
        description: FileDescription = FileDescription(), state: State,
        staged: StagedBlob?, resultInode: Inode?, createdAt: Timestamp, expiresAt: Timestamp
    ) {
        self.confirmKey = confirmKey
        self.kind = kind
        self.uploadId = uploadId
        self.libraryId = libraryId
        self.spaceId = spaceId
        self.userId = userId
        self.path = path
        self.strategy = strategy
        self.expectedSize = expectedSize
        self.metaData = metaData
        self.description = description
        self.state = state
        self.staged = staged
        self.resultInode = resultInode
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// Confirm keys travel in URL paths unencoded: `[a-z0-9]` only (spec 20 §1.1), 32 characters (165 bits).
    public static func generateKey() -> String {
        RandomToken.alphanumeric(count: 32)
    }

    public static func isWellFormedKey(_ key: String) -> Bool {
        key.utf8.count == 32
            && key.utf8.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            }
    }

    /// Credentials of the data plane last an hour; a pending task lives 7 days by default (spec 20 §2.1,
    /// configurable); a confirmed one is remembered a day for idempotent re-confirms and state queries.
    public static let credentialLifetimeSeconds: Int64 = 3600
    public static let defaultPendingLifetimeSeconds: Int64 = 7 * 86_400
    public static let confirmedRetentionSeconds: Int64 = 86_400
    /// Part numbers of multipart uploads (spec 20 F-04.3).
    public static let partNumbers = 1...10_000
    /// Every part but the last must be at least this large (spec 20 F-04.3).
    public static let minimumPartSize: Int64 = 1 << 20
}
