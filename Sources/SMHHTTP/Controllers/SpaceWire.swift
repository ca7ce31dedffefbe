import SMHCore
import SMHStoreSQL

/// Wire forms of the space group (spec 10 §3). Nullable byte counts are written as explicit `null`.
enum SpaceWire {
    struct Item: Encodable {
        let spaceId: String
        let userId: String
        let creationTime: String

        init(_ space: Space) {
            spaceId = space.id.rawValue
            userId = space.userId
            creationTime = space.createdAt.iso8601
        }
    }

    struct Page: Encodable {
        let list: [Item]
        let marker: String?
        let nextMarker: String?
    }

    struct Created: Encodable { let spaceId: String }
    struct Count: Encodable { let total: Int }
    struct Size: Encodable { let size: String }

    struct Settings: Encodable {
        let settings: SpaceExtension
        enum Key: String, CodingKey {
            case isPublicRead, isMultiAlbum, allowPhoto, allowVideo, allowPhotoExtname, allowVideoExtname
            case allowFileExtname, recognizeSensitiveContent, spaceTag
            case publicRead, multiAlbum
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(settings.isPublicRead, forKey: .isPublicRead)
            try c.encode(settings.isMultiAlbum, forKey: .isMultiAlbum)
            // Both spellings: the Java SDK reads the extension back into `publicRead` / `multiAlbum`.
            try c.encode(settings.isPublicRead, forKey: .publicRead)
            try c.encode(settings.isMultiAlbum, forKey: .multiAlbum)
            try c.encode(settings.allowPhoto, forKey: .allowPhoto)
            try c.encode(settings.allowVideo, forKey: .allowVideo)
            try c.encode(settings.allowPhotoExtname, forKey: .allowPhotoExtname)
            try c.encode(settings.allowVideoExtname, forKey: .allowVideoExtname)
            try c.encode(settings.allowFileExtname, forKey: .allowFileExtname)
            try c.encode(settings.recognizeSensitiveContent, forKey: .recognizeSensitiveContent)
            try c.encodeIfPresent(settings.spaceTag, forKey: .spaceTag)
        }
    }

    struct LibraryUsage: Encodable {
        let usage: SpaceService<SQLStore>.LibraryUsage
        enum Key: String, CodingKey { case totalFileSize, capacity, availableSpace, totalAllocatedSpaceQuota }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(String(usage.totalFileSize), forKey: .totalFileSize)
            try c.encode(usage.capacity.map(String.init), forKey: .capacity)
            try c.encode(usage.availableSpace.map(String.init), forKey: .availableSpace)
            try c.encode(String(usage.totalAllocatedSpaceQuota), forKey: .totalAllocatedSpaceQuota)
        }
    }

    struct SpaceUsage: Encodable {
        let usage: SpaceService<SQLStore>.SpaceUsage
        enum Key: String, CodingKey { case spaceId, capacity, availableSpace, size }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(usage.spaceId.rawValue, forKey: .spaceId)
            try c.encode(usage.capacity.map(String.init), forKey: .capacity)
            try c.encode(usage.availableSpace.map(String.init), forKey: .availableSpace)
            try c.encode(String(usage.size), forKey: .size)
        }
    }
}
