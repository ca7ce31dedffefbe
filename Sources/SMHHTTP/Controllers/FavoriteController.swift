import Hummingbird
import SMHCore
import SMHStoreSQL

/// Favorites (spec 30 §6): F1 add, F2 remove (`?cancel`), F3 list.
struct FavoriteController {
    let favorites: FavoriteService<SQLStore>
    let access: AccessService<SQLStore>

    func register(on router: some RouterMethods<SMHRequestContext>) {
        router.post("/api/v1/favorite/:libraryId/:spaceId", use: post)
        router.get("/api/v1/favorite/:libraryId/:spaceId/list", use: list)
    }

    struct Body: Decodable {
        let inode: String?
        let path: String?
    }

    struct AddedWire: Encodable { let inode: String }

    @Sendable func post(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        _ = try await access.space(input.parameter("spaceId"), for: caller, operation: .read)
        let body = try await JSON.decode(Body.self, from: &request)
        if input.query.flag("cancel") {
            try await favorites.remove(
                caller, space: input.parameter("spaceId"), inode: body.inode, path: body.path)
            return Response(status: .noContent)
        }
        let inode = try await favorites.add(
            caller, space: input.parameter("spaceId"), inode: body.inode, path: body.path)
        return JSON.response(AddedWire(inode: Node.formatInode(inode)))
    }

    /// Markers carry the last favorite's time and inode: `f<milliseconds>.<inode>`.
    static func encodeMarker(_ favorite: Favorite) -> String {
        "f\(favorite.favoritedAt.milliseconds).\(favorite.inode.rawValue)"
    }

    static func decodeMarker(_ marker: String, space: SpaceID, userId: String) throws(SMHError) -> Favorite {
        let parts = marker.dropFirst().split(separator: ".")
        guard marker.first == "f", parts.count == 2, let time = Int64(parts[0]), let inode = Int64(parts[1]) else {
            throw SMHError(.paramInvalid, "The marker is not one this server issued.")
        }
        return Favorite(spaceId: space, userId: userId, inode: Inode(inode), favoritedAt: Timestamp(milliseconds: time))
    }

    @Sendable func list(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let query = input.query
        let space = try await access.space(input.parameter("spaceId"), for: caller, operation: .read)
        var descending = true
        if let raw = query["order_by_type"] ?? query["orderByType"], !raw.isEmpty {
            switch raw.lowercased() {
            case "asc": descending = false
            case "desc": descending = true
            default: throw SMHError(.orderByTypeNotAllowed, "order_by_type must be asc or desc.")
            }
        }
        let withPath = try query.bool("with_path")
        let pageStyle = query["page"] != nil || query["page_size"] != nil
        let paging = try Paging.parse(query, pageStyle: pageStyle)
        let (offset, limit) = (paging.offset, paging.limit)
        let after = try paging.marker.map { try Self.decodeMarker($0, space: space.id, userId: caller.userId) }
        // One more than asked tells whether another page exists.
        let (total, entries) = try await favorites.list(
            caller, space: space.id.rawValue, descending: descending, after: after, offset: offset,
            limit: pageStyle ? limit : limit + 1)
        let shown = Array(entries.prefix(limit))
        let next = !pageStyle && entries.count > limit ? shown.last.map { Self.encodeMarker($0.favorite) } : nil
        return JSON.response(
            ListWire(
                nextMarker: next, totalNum: pageStyle ? total : nil,
                contents: shown.map {
                    ItemWire(entry: $0, withPath: withPath, libraryType: caller.library.settings.libraryType)
                }))
    }

    struct ListWire: Encodable {
        let nextMarker: String?
        let totalNum: Int?
        let contents: [ItemWire]
    }

    struct ItemWire: Encodable {
        let entry: FavoriteService<SQLStore>.Entry
        let withPath: Bool
        let libraryType: LibraryType

        enum Key: String, FileKindKeys {
            case spaceId, inode, name, favoriteTime, userId, type, creationTime, modificationTime, path, eTag, size
            case fileType, contentType, crc64, previewByDoc, previewByCI, previewAsIcon, removedByQuota, metaData
            case labels, category, virusAuditStatus
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            let favorite = entry.favorite
            try c.encode(favorite.spaceId.rawValue, forKey: .spaceId)
            try c.encode(Node.formatInode(favorite.inode), forKey: .inode)
            try c.encode(entry.found?.node.name ?? "", forKey: .name)
            try c.encode(favorite.favoritedAt.iso8601, forKey: .favoriteTime)
            try c.encode(favorite.userId, forKey: .userId)
            guard let (path, node) = entry.found else { return }  // deleted or in the recycle bin
            // Spec 30 F3 says `file` for the images and videos of media libraries too.
            try c.encode(NodeWire.type(of: node, libraryType: .file), forKey: .type)
            try c.encode(node.createdAt.iso8601, forKey: .creationTime)
            try c.encode(node.updatedAt.iso8601, forKey: .modificationTime)
            if withPath { try c.encode(path, forKey: .path) }
            try c.encode(node.wireETag, forKey: .eTag)
            if !node.labels.isEmpty { try c.encode(node.labels, forKey: .labels) }
            if !node.category.isEmpty { try c.encode(node.category, forKey: .category) }
            try c.encode(0, forKey: .virusAuditStatus)
            guard node.kind != .directory else { return }
            try c.encode(String(node.size), forKey: .size)
            try c.encodeFileKind(of: node.name)
            try c.encode(node.contentType, forKey: .contentType)
            try c.encode(node.crc64 ?? "0", forKey: .crc64)
            try c.encode(false, forKey: .removedByQuota)
            try c.encode(node.metaData, forKey: .metaData)
        }
    }
}
