import SMHCore

/// Wire forms of the recycle bin (spec 30 R1, R2, R4, R5, R9).
extension RecycleController {
    struct ListWire: Encodable {
        let totalNum: Int
        let nextMarker: Int?
        let contents: [ItemWire]
    }

    struct ItemWire: Encodable {
        let item: RecycleItem
        let libraryType: LibraryType
        let now: Timestamp

        enum Key: String, FileKindKeys {
            case recycledItemId, name, originalPath, spaceId, type, size, crc64, fileType, previewByDoc, previewByCI
            case previewAsIcon, creationTime, modificationTime, removalTime, remainingTime
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            let node = item.node
            try c.encode(item.id, forKey: .recycledItemId)
            try c.encode(node.name, forKey: .name)
            try c.encode(item.originalPath, forKey: .originalPath)
            try c.encode(item.spaceId.rawValue, forKey: .spaceId)
            try c.encode(NodeWire.type(of: node, libraryType: libraryType), forKey: .type)
            if node.kind == .file {
                try c.encode(String(node.size), forKey: .size)
                try c.encode(node.crc64 ?? "0", forKey: .crc64)
            }
            if node.kind != .directory {
                try c.encodeFileKind(of: node.name)
            }
            try c.encode(node.createdAt.iso8601, forKey: .creationTime)
            try c.encode(node.updatedAt.iso8601, forKey: .modificationTime)
            try c.encode(item.recycledAt.iso8601, forKey: .removalTime)
            try c.encodeIfPresent(item.remainingDays(at: now), forKey: .remainingTime)
        }
    }

    struct DirectoryInfoWire: Encodable {
        let type: String
        let creationTime: String
        let modificationTime: String
    }

    struct FileInfoWire: Encodable {
        let node: Node
        let type: String
        let cosUrl: String
        let expiration: String

        enum Key: String, FileKindKeys {
            case type, creationTime, modificationTime, contentType, size, eTag, crc64, cosUrl, cosUrlExpiration
            case availableCosUrls, metaData, previewByDoc, previewByCI, previewAsIcon, fileType, labels, category
            case localCreationTime, localModificationTime
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(type, forKey: .type)
            try c.encode(node.createdAt.iso8601, forKey: .creationTime)
            try c.encode(node.updatedAt.iso8601, forKey: .modificationTime)
            try c.encode(node.contentType, forKey: .contentType)
            try c.encode(String(node.size), forKey: .size)
            try c.encode(node.wireETag, forKey: .eTag)
            try c.encode(node.crc64 ?? "0", forKey: .crc64)
            try c.encode(cosUrl, forKey: .cosUrl)
            try c.encode(expiration, forKey: .cosUrlExpiration)
            try c.encode([cosUrl], forKey: .availableCosUrls)
            try c.encode(node.metaData, forKey: .metaData)
            try c.encodeFileKind(of: node.name)
            if !node.labels.isEmpty { try c.encode(node.labels, forKey: .labels) }
            if !node.category.isEmpty { try c.encode(node.category, forKey: .category) }
            try c.encodeIfPresent(node.localTimes.created?.iso8601, forKey: .localCreationTime)
            try c.encodeIfPresent(node.localTimes.modified?.iso8601, forKey: .localModificationTime)
        }
    }

    struct PathWire: Encodable {
        let path: [String]
    }

    struct BatchWire: Encodable {
        let result: [BatchItemWire]

        var failed: Bool { result.contains { $0.status != 200 } }
    }

    struct BatchItemWire: Encodable {
        let recycledItemId: Int64
        let status: Int
        let path: [String]?
        let code: String?
        let message: String?
    }

    struct LifecycleBody: Decodable {
        let retentionDays: FlexibleInt64?
    }
}
