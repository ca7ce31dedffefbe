import Hummingbird
import SMHCore
import SMHMedia
import SMHStoreSQL

/// Wire forms of the file group (spec 20 F-01, F-07, F-10, F-17).
extension FileController {
    struct FileInfoWire: Encodable {
        let node: Node
        let path: [String]
        let type: String
        let cosUrl: String?
        /// Links only: the current path of the immediate target.
        let linkTo: [String]?
        /// `with_favorite_status=1`: whether the caller has favorited it (spec 30 §6.0).
        var isFavorite: Bool? = nil
        /// `with_media_info=1` (OpenSMH): what the photo or video says about itself.
        var mediaInfo: MediaInfoWire? = nil

        enum Key: String, FileKindKeys {
            case cosUrl, type, creationTime, modificationTime, contentType, size, eTag, crc64, fileType
            case previewByDoc, previewByCI, previewAsIcon, metaData, labels, category, versionId, path, name, userId
            case historySize, localCreationTime, localModificationTime, linkTo, isFavorite, mediaInfo
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encodeIfPresent(cosUrl, forKey: .cosUrl)
            try c.encode(type, forKey: .type)
            try c.encode(node.createdAt.iso8601, forKey: .creationTime)
            try c.encode(node.updatedAt.iso8601, forKey: .modificationTime)
            try c.encode(node.contentType, forKey: .contentType)
            try c.encode(String(node.size), forKey: .size)
            try c.encode(node.wireETag, forKey: .eTag)
            try c.encode(node.crc64 ?? "0", forKey: .crc64)
            try c.encodeFileKind(of: node.name)
            if !node.metaData.isEmpty { try c.encode(node.metaData, forKey: .metaData) }
            if !node.labels.isEmpty { try c.encode(node.labels, forKey: .labels) }
            if !node.category.isEmpty { try c.encode(node.category, forKey: .category) }
            try c.encodeIfPresent(node.localTimes.created?.iso8601, forKey: .localCreationTime)
            try c.encodeIfPresent(node.localTimes.modified?.iso8601, forKey: .localModificationTime)
            try c.encodeIfPresent(linkTo, forKey: .linkTo)
            try c.encode(node.version.number, forKey: .versionId)
            try c.encodeIfPresent(isFavorite, forKey: .isFavorite)
            try c.encodeIfPresent(mediaInfo, forKey: .mediaInfo)
            try c.encode(path, forKey: .path)
            try c.encode(node.name, forKey: .name)
            try c.encode(node.creatorUserId, forKey: .userId)
            try c.encode("0", forKey: .historySize)
        }
    }

    struct MovedWire: Encodable {
        let path: [String]
    }

    /// F-19's answer: `path` is documented; `name` and `type` are read by the Android SDK.
    struct SymlinkWire: Encodable {
        let path: [String]
        let name: String
        let type: String
    }

    /// F-01 / F-02 / F-05 answers. Simple tasks carry exactly the six headers the Flutter model has, multipart ones
    /// exactly three (spec 20 F-01, F-02).
    struct BeginWire: Encodable {
        let domain: String
        let path: String
        let uploadId: String?
        let headers: [String: String]
        let confirmKey: String
        let expiration: String
        let availableDomainNum: Int

        init(_ ticket: UploadService<SQLStore>.Ticket, request: Request, publicURL: String?) throws {
            domain = try DataPlaneURL.domain(publicURL: publicURL, request: request)
            path = DataPlaneURL.prefixed(ticket.path, publicURL: publicURL)
            uploadId = ticket.uploadId
            if ticket.uploadId != nil {
                headers = [
                    "Content-Type": "application/octet-stream", "Authorization": ticket.authorization,
                    "x-cos-security-token": "-",
                ]
            } else {
                headers = [
                    "Cache-Control": "max-age=31104000", "Content-Type": ticket.contentType, "x-cos-acl": "default",
                    "x-cos-storage-class": "STANDARD", "Authorization": ticket.authorization,
                    "x-cos-security-token": "-",
                ]
            }
            confirmKey = ticket.confirmKey
            expiration = ticket.expiration.iso8601
            availableDomainNum = 1
        }
    }

    /// F-03's answer: the form goes to `{domain}/` with these fields before the file (`key` names the task, `policy`
    /// is its signed credential).
    struct FormBeginWire: Encodable {
        let domain: String
        let path: String
        let form: [String: String]
        let confirmKey: String
        let expiration: String
        let availableDomainNum: Int

        init(_ ticket: UploadService<SQLStore>.Ticket, request: Request, publicURL: String?) throws {
            domain = try DataPlaneURL.domain(publicURL: publicURL, request: request)
            path = DataPlaneURL.prefixed("/", publicURL: publicURL)
            form = ["key": ticket.confirmKey, "policy": ticket.authorization, "Content-Type": ticket.contentType]
            confirmKey = ticket.confirmKey
            expiration = ticket.expiration.iso8601
            availableDomainNum = 1
        }
    }

    /// The hash fields of a begin body (spec 20 §2.2); `size` may be a number or a decimal string.
    struct InstantBody: Decodable {
        let size: FlexibleInt64?
        let beginningHash: String?
        let fullHash: String?
    }

    struct UploadPartInfoWire: Encodable {
        let domain: String
        let path: String
        let uploadId: String?
        let headers: [String: String]
        let expiration: String
    }

    /// One part in F-06, with the capitalised keys spec 20 documents.
    struct PartWire: Encodable {
        let number: Int
        let lastModified: String
        let eTag: String
        let size: Int64

        enum CodingKeys: String, CodingKey {
            case number = "PartNumber", lastModified = "LastModified", eTag = "ETag", size = "Size"
        }
    }

    struct UploadStateWire: Encodable {
        let confirmed: Bool
        let path: [String]?
        let type: String
        let creationTime: String
        let conflictResolutionStrategy: String
        let force: Bool
        let availableDomainNum: Int
        let uploadId: String?
        let parts: [PartWire]?
        let uploadPartInfo: UploadPartInfoWire?

        enum CodingKeys: String, CodingKey {
            case confirmed, path, type, creationTime, conflictResolutionStrategy, force, availableDomainNum
            case uploadId, parts, uploadPartInfo
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(confirmed, forKey: .confirmed)
            try c.encode(path, forKey: .path)  // null when the file's directory is gone
            try c.encode(type, forKey: .type)
            try c.encode(creationTime, forKey: .creationTime)
            try c.encode(conflictResolutionStrategy, forKey: .conflictResolutionStrategy)
            try c.encode(force, forKey: .force)
            try c.encode(availableDomainNum, forKey: .availableDomainNum)
            try c.encodeIfPresent(uploadId, forKey: .uploadId)
            try c.encodeIfPresent(parts, forKey: .parts)
            try c.encodeIfPresent(uploadPartInfo, forKey: .uploadPartInfo)
        }
    }

    struct ConfirmWire: Encodable {
        let node: Node
        let path: [String]?
        let overwritten: Bool
        let libraryType: LibraryType
        let withInode: Bool

        enum Key: String, FileKindKeys {
            case path, name, type, inode, creationTime, modificationTime, contentType, size, eTag, crc64
            case isOverwritten, previewByDoc, previewByCI, previewAsIcon, fileType, virusAuditStatus, metaData
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            let wire = NodeWire(node: node, path: path ?? [], libraryType: libraryType, withInode: withInode)
            try c.encode(path, forKey: .path)
            try c.encode(node.name, forKey: .name)
            try c.encode(wire.type, forKey: .type)
            if withInode { try c.encode(Node.formatInode(node.inode), forKey: .inode) }
            try c.encode(node.createdAt.iso8601, forKey: .creationTime)
            try c.encode(node.updatedAt.iso8601, forKey: .modificationTime)
            try c.encode(node.contentType, forKey: .contentType)
            try c.encode(String(node.size), forKey: .size)
            try c.encode(node.wireETag, forKey: .eTag)
            try c.encode(node.crc64 ?? "0", forKey: .crc64)
            if !node.metaData.isEmpty { try c.encode(node.metaData, forKey: .metaData) }
            try c.encode(overwritten, forKey: .isOverwritten)
            try c.encodeFileKind(of: node.name)
            try c.encode(0, forKey: .virusAuditStatus)
        }
    }
}

/// Where data-plane URLs point (spec 00): `--public-url` when set, else the `Host` the request came with. A path in
/// `--public-url` (`https://example.com/media`) is the prefix a reverse proxy strips before forwarding to us: it is put
/// in front of every data-plane path handed out.
enum DataPlaneURL {
    /// A data-plane path as the absolute URL clients are given.
    static func absolute(_ path: String, publicURL: String?, request: Request) throws -> String {
        let scheme = publicURL.flatMap { url in url.range(of: "://").map { String(url[..<$0.lowerBound]) } } ?? "http"
        return
            "\(scheme)://\(try domain(publicURL: publicURL, request: request))\(prefixed(path, publicURL: publicURL))"
    }

    /// `path` behind the public URL's path prefix, if it has one.
    static func prefixed(_ path: String, publicURL: String?) -> String {
        guard let publicURL, let schemeEnd = publicURL.range(of: "://") else { return path }
        let rest = publicURL[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return path }
        var prefix = rest[slash...]
        while prefix.hasSuffix("/") { prefix = prefix.dropLast() }
        return prefix + path
    }

    static func domain(publicURL: String?, request: Request) throws -> String {
        if let publicURL, let schemeEnd = publicURL.range(of: "://"), schemeEnd.upperBound < publicURL.endIndex {
            let rest = publicURL[schemeEnd.upperBound...]
            return String(rest.prefix { $0 != "/" })
        }
        guard let host = request.head.authority, !host.isEmpty else {
            throw SMHError(.badRequest, "The request has no Host header.")
        }
        return host
    }
}

/// An integer sent as a JSON number or a decimal string (SDKs differ); a refusal names the field, or the id.
struct FlexibleInt64: Decodable {
    let value: Int64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Int64(text) {
            value = number
        } else if let key = decoder.codingPath.last, key.intValue != nil {
            // An element of an id array (history, recycle bin): the message talks about the ids.
            throw SMHError(
                .paramInvalid, "Every id must be an integer or a decimal string; item \(key.intValue! + 1) is not.")
        } else {
            let field = decoder.codingPath.last?.stringValue ?? "The value"
            throw SMHError(.paramInvalid, "\(field) must be an integer or a decimal string.")
        }
    }
}

extension FileController.FileInfoWire: JSONWritable {
    /// The members of `encode(to:)`, in byte order of their keys: `?info` is the most frequent call of a photo app.
    func writeJSON(to out: inout [UInt8]) {
        let fileType = FileKinds.fileType(of: node.name)
        let media = PreviewSupport.current.covers(fileType: fileType)
        var w = JSONObjectWriter()
        if !node.category.isEmpty { w.string("category", node.category, &out) }
        w.string("contentType", node.contentType, &out)
        if let cosUrl { w.string("cosUrl", cosUrl, &out) }
        w.string("crc64", node.crc64 ?? "0", &out)
        w.string("creationTime", node.createdAt.iso8601, &out)
        w.string("eTag", node.wireETag, &out)
        w.string("fileType", fileType, &out)
        w.string("historySize", "0", &out)
        if let isFavorite { w.bool("isFavorite", isFavorite, &out) }
        if !node.labels.isEmpty { w.strings("labels", node.labels, &out) }
        if let linkTo { w.strings("linkTo", linkTo, &out) }
        if let created = node.localTimes.created { w.string("localCreationTime", created.iso8601, &out) }
        if let modified = node.localTimes.modified { w.string("localModificationTime", modified.iso8601, &out) }
        if let mediaInfo, let bytes = try? WireJSONEncoder().encode(mediaInfo) {
            w.key("mediaInfo", &out)
            out.append(contentsOf: bytes)
        }
        if !node.metaData.isEmpty {
            w.key("metaData", &out)
            JSONText.writeStringMap(node.metaData, to: &out)
        }
        w.string("modificationTime", node.updatedAt.iso8601, &out)
        w.string("name", node.name, &out)
        w.strings("path", path, &out)
        w.previewFlags(media: media, &out)
        w.string("size", String(node.size), &out)
        w.string("type", type, &out)
        w.string("userId", node.creatorUserId, &out)
        w.integer("versionId", node.version.number, &out)
        w.end(&out)
    }
}

/// `mediaInfo` of F-10 with `with_media_info=1` (an OpenSMH addition; SMH has no such field): upright dimensions,
/// capture time, camera, place and duration, each present only when the file records it.
struct MediaInfoWire: Encodable {
    let width: Int
    let height: Int
    let takenAt: String?
    let make: String?
    let model: String?
    let latitude: Double?
    let longitude: Double?
    let durationMs: Int64?

    init(_ info: MediaInfo) {
        width = info.width
        height = info.height
        takenAt = info.takenAt?.iso8601
        make = info.make
        model = info.model
        latitude = info.latitude
        longitude = info.longitude
        durationMs = info.durationMilliseconds
    }
}
