import Foundation
import SMHCore

/// Test-side mirrors of the main answers (spec 10 §1.10, spec 20): tests decode into these instead of reading
/// untyped dictionaries, so a renamed or retyped field fails where it is read.
public struct ErrorAnswer: Decodable, Sendable, Equatable {
    public let code: String
    public let message: String
    public let requestId: String
}

public struct TokenAnswer: Decodable, Sendable {
    public let accessToken: String
    public let expiresIn: Int
}

public struct NodeAnswer: Decodable, Sendable {
    public let name: String
    public let path: [String]?
    public let type: String
    public let creationTime: String
    public let modificationTime: String
    public let eTag: String?
    public let userId: String?
    public let size: String?
    public let crc64: String?
    public let contentType: String?
    public let fileType: String?
    public let versionId: Int?
    public let previewByDoc: Bool?
    public let previewByCI: Bool?
    public let previewAsIcon: Bool?
    public let removedByQuota: Bool?
    public let isOverwritten: Bool?
    public let cosUrl: String?
    public let inode: String?
    public let labels: [String]?
    public let category: String?
    public let metaData: [String: String]?
    public let localCreationTime: String?
    public let localModificationTime: String?
    public let linkTo: LinkTarget?
    public let isFavorite: Bool?
    public let mediaInfo: MediaInfoAnswer?
}

/// `with_media_info=1`: what the engines read from a photo or a video.
public struct MediaInfoAnswer: Decodable, Sendable {
    public let width: Int?
    public let height: Int?
    public let make: String?
    public let model: String?
    public let takenAt: String?
    public let latitude: Double?
    public let longitude: Double?
    public let durationMs: Int?
}

/// A link's target: its inode in listings and D-03, its path in F-10.
public enum LinkTarget: Decodable, Sendable, Equatable {
    case inode(String)
    case path([String])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let path = try? c.decode([String].self) {
            self = .path(path)
        } else {
            self = .inode(try c.decode(String.self))
        }
    }
}

/// A new directory (D-01), or the path a move or copy ended at (D-05, D-06, F-17, F-18).
public struct CreatedAnswer: Decodable, Sendable {
    public let path: [String]
    public let creationTime: String
    public let inode: String?
    public let labels: [String]?
    public let metaData: [String: String]?
    public let localCreationTime: String?
    public let localModificationTime: String?

    enum CodingKeys: String, CodingKey {
        case path, creationTime, inode, labels, metaData, localCreationTime, localModificationTime
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode([String].self, forKey: .path)
        // A move or copy answers only the path.
        creationTime = try c.decodeIfPresent(String.self, forKey: .creationTime) ?? ""
        inode = try c.decodeIfPresent(String.self, forKey: .inode)
        labels = try c.decodeIfPresent([String].self, forKey: .labels)
        metaData = try c.decodeIfPresent([String: String].self, forKey: .metaData)
        localCreationTime = try c.decodeIfPresent(String.self, forKey: .localCreationTime)
        localModificationTime = try c.decodeIfPresent(String.self, forKey: .localModificationTime)
    }
}

/// A delete into the recycle bin (F-16, D-08).
public struct RecycledAnswer: Decodable, Sendable {
    public let recycledItemId: Int
}

public struct ListingAnswer: Decodable, Sendable {
    public let path: [String]
    public let contents: [NodeAnswer]
    public let fileCount: Int?
    public let subDirCount: Int?
    public let totalNum: Int?
    public let eTag: String?
    public let nextMarker: String?
}

/// `size` of a space (spec 10 §3.9): bytes as a decimal string.
public struct SizeAnswer: Decodable, Sendable {
    public let size: String
}

public struct BeginUploadAnswer: Decodable, Sendable {
    public let domain: String
    public let path: String
    public let headers: [String: String]
    public let confirmKey: String
    public let expiration: String
    public let availableDomainNum: Int
    public let uploadId: String?
}

/// A new symbolic link (F-19): its name, path and type only.
public struct SymlinkAnswer: Decodable, Sendable {
    public let name: String
    public let path: [String]
    public let type: String
}

/// R1: a page of the recycle bin; `nextMarker` is a number here.
public struct RecycledListAnswer: Decodable, Sendable {
    public let contents: [RecycledItemAnswer]
    public let totalNum: Int?
    public let nextMarker: Int?
}

public struct RecycledItemAnswer: Decodable, Sendable {
    public let recycledItemId: Int
    public let name: String
    public let originalPath: [String]
    public let spaceId: String
    public let type: String
    public let size: String?
    public let fileType: String?
    public let remainingTime: Int?
    public let removalTime: String
}

/// R2: a recycled item's information; a file's carries its content's URL.
public struct RecycledInfoAnswer: Decodable, Sendable {
    public let type: String
    public let creationTime: String
    public let modificationTime: String
    public let contentType: String?
    public let size: String?
    public let metaData: [String: String]?
    public let cosUrl: String?
    public let availableCosUrls: [String]?
}

/// The answer of a batch (B1–B3, R5, R7): one result per item, in order.
public struct BatchAnswer: Decodable, Sendable {
    public struct Item: Decodable, Sendable {
        public let status: Int
        public let path: [String]?
        public let recycledItemId: Int?
        public let code: String?
        public let message: String?
        public let from: [String]?
        public let to: [String]?
        public let copyFrom: [String]?
    }
    public let result: [Item]
}

/// `202 {"taskId"}`: work queued as a task (spec 30 §2).
public struct TaskStartedAnswer: Decodable, Sendable {
    public let taskId: Int
}

/// T1/T2: one task; `result` has the shape of the synchronous answer's result.
public struct TaskAnswer<Result: Decodable & Sendable>: Decodable, Sendable {
    public let id: Int
    public let status: Int
    public let taskId: Int
    public let result: Result?
}

/// T3/T4: one task in the v2 shape; the result sits under a field named after the type (`batchDeleteResults`,
/// `copyDirectoryResult`).
public struct TaskV2Answer<Result: Decodable & Sendable>: Decodable, Sendable {
    public let taskId: String
    public let taskType: String
    public let status: Int
    public let result: Result?

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        taskId = try c.decode(String.self, forKey: AnyKey("taskId"))
        taskType = try c.decode(String.self, forKey: AnyKey("taskType"))
        status = try c.decode(Int.self, forKey: AnyKey("status"))
        let field = taskType + (taskType.hasPrefix("batch") ? "Results" : "Result")
        result = try c.decodeIfPresent(Result.self, forKey: AnyKey(field))
    }
}

/// H1/H2: a library's history settings; the numbers only while history is on.
public struct HistorySettingsAnswer: Decodable, Sendable {
    public let enableFileHistory: Bool
    public let fileHistoryCount: Int?
    public let fileHistoryExpireDay: Int?
    public let mergeInterval: Int?
}

/// H4: a file's versions, the latest first.
public struct HistoryListAnswer: Decodable, Sendable {
    public struct Version: Decodable, Sendable {
        /// Absent on the latest version (it is the file itself).
        public let id: Int?
        public let version: Int
        public let name: String
        public let size: Int
        public let isLatestVersion: Bool
        public let creationWay: Int
        public let creationTime: String
    }
    public let contents: [Version]
    public let hasMore: Bool?
    public let totalNum: Int?
    public let nextMarker: String?
}

/// H5: the file after a version became the latest.
public struct LatestVersionAnswer: Decodable, Sendable {
    public let objectKey: String
    public let size: String
}

/// F1: the favorite's inode. F3: the caller's favorites; an entry whose item is gone has an empty name.
public struct FavoriteAddedAnswer: Decodable, Sendable {
    public let inode: String
}

public struct FavoriteListAnswer: Decodable, Sendable {
    public struct Item: Decodable, Sendable {
        public let inode: String
        public let name: String
        public let type: String?
        public let path: [String]?
        public let size: String?
        public let userId: String?
        public let spaceId: String?
        public let favoriteTime: String?
    }
    public let contents: [Item]
    public let nextMarker: String?
    public let totalNum: Int?
}

/// 3.3: a page of spaces; `marker` repeats `nextMarker` (older SDKs read it), both absent on the last page.
public struct SpaceListAnswer: Decodable, Sendable {
    public struct Item: Decodable, Sendable {
        public let spaceId: String
        public let userId: String
        public let creationTime: String
    }
    public let list: [Item]
    public let nextMarker: String?
    public let marker: String?
}

/// 3.4: how many spaces the library has.
public struct SpaceCountAnswer: Decodable, Sendable {
    public let total: Int
}

/// 3.1: a space's settings, with SMH's older spellings beside the newer ones.
public struct SpaceSettingsAnswer: Decodable, Sendable {
    public let isPublicRead: Bool?
    public let publicRead: Bool?
    public let isMultiAlbum: Bool?
    public let multiAlbum: Bool?
    public let allowPhoto: Bool?
    public let allowVideo: Bool?
    public let allowPhotoExtname: [String]?
    public let spaceTag: String?
}

/// 3.13: a library's usage; capacity and available space are null without a quota.
public struct LibraryUsageAnswer: Decodable, Sendable {
    public let totalFileSize: String
    public let capacity: String?
    public let availableSpace: String?
    public let totalAllocatedSpaceQuota: String
}

/// 3.14: the usage of each space asked for.
public struct SpaceUsageAnswer: Decodable, Sendable {
    public let spaceId: String
    public let size: String
    public let capacity: String?
    public let availableSpace: String?
}

/// The admin API's library: settings that do not apply to its kind are absent; the secret only when created or
/// rotated.
public struct LibraryAnswer: Decodable, Sendable {
    public let libraryId: String
    public let librarySecret: String?
    public let name: String
    public let remark: String?
    public let libraryType: String
    public let multiSpace: Bool
    public let isPublicRead: Bool?
    public let isMultiAlbum: Bool?
    public let useRecycleBin: Bool?
    public let enableSearch: Bool?
    public let enableFileHistory: Bool?
    public let fileHistoryCount: Int?
    public let allowFileExtName: [String]?
    public let allowVideo: Bool?
    public let libraryQuota: String?
    public let creationTime: String
    public let modificationTime: String
}

/// A rotated secret (admin API).
public struct LibrarySecretAnswer: Decodable, Sendable {
    public let libraryId: String
    public let librarySecret: String
}

/// The admin API's list of libraries.
public struct LibraryListAnswer: Decodable, Sendable {
    public let libraries: [LibraryAnswer]
}

/// 4.3: a new quota's id. 4.4/4.5: a quota.
public struct QuotaCreatedAnswer: Decodable, Sendable {
    public let quotaId: Int
}

/// By space (4.4): `id` and `capacity`; by id (4.5): `spaces` and `capacity`.
public struct QuotaAnswer: Decodable, Sendable {
    public let id: Int?
    public let capacity: String
    public let spaces: [String]?
}

/// S1/S2: a page of search results. Searches started with an offset answer a numeric `nextMarker`, those paged by
/// marker (`limit`/`marker`) a string.
public struct SearchPageAnswer: Decodable, Sendable {
    public enum Marker: Decodable, Sendable, Equatable {
        case offset(Int)
        case token(String)

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let offset = try? c.decode(Int.self) {
                self = .offset(offset)
            } else {
                self = .token(try c.decode(String.self))
            }
        }

        public var offset: Int? { if case .offset(let value) = self { value } else { nil } }
        public var token: String? { if case .token(let value) = self { value } else { nil } }
    }
    public let searchId: String?
    public let contents: [NodeAnswer]
    public let hasMore: Bool?
    public let searchFinished: Bool?
    public let nextMarker: Marker?
}

/// `GET /ready`.
public struct ReadinessAnswer: Decodable, Sendable {
    public let status: String
    public let reason: String?
}

/// F-06: the state of an upload task; a multipart task lists its parts (COS's field names) and, unless asked not
/// to, repeats where to send more.
public struct UploadStateAnswer: Decodable, Sendable {
    public struct Part: Decodable, Sendable {
        public let partNumber: Int
        public let size: Int
        public let eTag: String
        public let lastModified: String

        enum CodingKeys: String, CodingKey {
            case partNumber = "PartNumber", size = "Size", eTag = "ETag", lastModified = "LastModified"
        }
    }
    public struct PartInfo: Decodable, Sendable {
        public let uploadId: String
        public let path: String
    }
    public let confirmed: Bool
    public let path: [String]?
    public let uploadId: String?
    public let conflictResolutionStrategy: String
    public let force: Bool
    public let parts: [Part]?
    public let uploadPartInfo: PartInfo?
}

/// D-10: a directory's statistics (numbers, recursive).
public struct DirectoryStatsAnswer: Decodable, Sendable {
    public let statsType: String
    public let fileCount: Int
    public let dirCount: Int
    public let storage: Int
    public let userId: String
}

/// 3.10: a space's counts, decimal strings.
public struct FileCountsAnswer: Decodable, Sendable {
    public let fileNum: String
    public let dirNum: String
    public let recycledFileNum: String
    public let recycledDirNum: String
    public let historyFileNum: String
}

/// 7.1: recently used files, newest first.
public struct RecentListAnswer: Decodable, Sendable {
    public struct Item: Decodable, Sendable {
        public let name: String
        public let actionType: String
        public let operationTime: String
        public let inode: String
        public let spaceId: String
        public let size: String?
        public let crc64: String?
        public let path: [String]?
    }
    public let contents: [Item]
    public let nextMarker: String?
}

/// H3's task result: how many versions were removed.
public struct EmptyHistoryResult: Decodable, Sendable {
    public let err: String
    public let status: Int
    public let deleteCount: Int
}

/// 3.2: a new space's id.
public struct SpaceCreatedAnswer: Decodable, Sendable {
    public let spaceId: String
}

/// 3.15: the size of the spaces of each tag.
public struct TagSizeAnswer: Decodable, Sendable, Equatable {
    public let spaceTag: String
    public let size: String
}

/// SMH's service API (API 3.0): `{"Response": {…, "RequestId"}}`; one body type for every action, its fields
/// optional, named as Tencent's SDK models name them.
public struct ServiceEnvelope: Decodable, Sendable {
    public let response: ServiceAnswer
    enum CodingKeys: String, CodingKey { case response = "Response" }
}

public struct ServiceAnswer: Decodable, Sendable {
    public struct Failure: Decodable, Sendable {
        public let code: String
        public let message: String
        enum CodingKeys: String, CodingKey { case code = "Code", message = "Message" }
    }
    public struct Tag: Decodable, Sendable, Equatable {
        public let tagKey: String
        public let tagValue: String
        enum CodingKeys: String, CodingKey { case tagKey = "TagKey", tagValue = "TagValue" }
    }
    public struct Extension: Decodable, Sendable {
        public let isFileLibrary: Bool
        public let isMultiSpace: Bool
        public let cosStorageClass: String
        public let useRecycleBin: Bool
        public let autoRemoveRecycledDays: Int?
        public let enableSearch: Bool
        public let fileHistoryCount: Int?
        public let fileHistoryExpireDay: Int?
        public let maxDirFileNameLength: Int
        public let allowPhotoExtName: [String]?
        public let allowFileExtName: [String]?
        public let enableQuota: Bool
        public let libraryQuota: Int?
        enum CodingKeys: String, CodingKey {
            case isFileLibrary = "IsFileLibrary", isMultiSpace = "IsMultiSpace", cosStorageClass = "CosStorageClass"
            case useRecycleBin = "UseRecycleBin", autoRemoveRecycledDays = "AutoRemoveRecycledDays"
            case enableSearch = "EnableSearch", fileHistoryCount = "FileHistoryCount"
            case fileHistoryExpireDay = "FileHistoryExpireDay", maxDirFileNameLength = "MaxDirFileNameLength"
            case allowPhotoExtName = "AllowPhotoExtName", allowFileExtName = "AllowFileExtName"
            case enableQuota = "EnableQuota", libraryQuota = "LibraryQuota"
        }
    }
    public struct Library: Decodable, Sendable {
        public let libraryId: String
        public let name: String
        public let remark: String
        public let bucketName: String
        public let accessDomain: String
        public let creationTime: String
        public let libraryExtension: Extension
        public let size: String
        public let dirNum: String
        public let fileNum: String
        public let tags: [Tag]
        enum CodingKeys: String, CodingKey {
            case libraryId = "LibraryId", name = "Name", remark = "Remark", bucketName = "BucketName"
            case accessDomain = "AccessDomain", creationTime = "CreationTime", libraryExtension = "LibraryExtension"
            case size = "Size", dirNum = "DirNum", fileNum = "FileNum", tags = "Tags"
        }
    }
    public let requestId: String
    public let error: Failure?
    public let libraryId: String?
    public let accessDomain: String?
    public let librarySecret: String?
    public let totalCount: Int?
    public let list: [Library]?
    public let quantity: Int?
    public let storage: String?
    enum CodingKeys: String, CodingKey {
        case requestId = "RequestId", error = "Error", libraryId = "LibraryId", accessDomain = "AccessDomain"
        case librarySecret = "LibrarySecret", totalCount = "TotalCount", list = "List", quantity = "Quantity"
        case storage = "Storage"
    }
}

/// F-03: a form upload's task.
public struct FormBeginAnswer: Decodable, Sendable {
    public let domain: String
    public let path: String
    public let form: [String: String]
    public let confirmKey: String
}

extension Reply {
    /// The body decoded as `T`; a missing or mistyped field fails the test with the body in the message.
    public func decoded<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw TestFailure("\(T.self) from \(status) \(text): \(error)")
        }
    }
}
