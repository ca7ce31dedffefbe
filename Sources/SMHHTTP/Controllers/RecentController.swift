import Hummingbird
import SMHCore
import SMHStoreSQL

/// The Recent API (spec 30 §7.1, JS `recent.listRecentlyUsedFile`).
struct RecentController {
    let recent: RecentService<SQLStore>
    let access: AccessService<SQLStore>
    let recorder: RecentUseRecorder

    func register(on router: some RouterMethods<SMHRequestContext>) {
        router.post("/api/v1/recent/:libraryId/:spaceId/recently-used-file", use: list)
    }

    struct Body: Decodable {
        let marker: String?
        let limit: FlexibleInt64?
        let filterActionBy: String?
        let withPath: Bool?
        let type: FileTypes?
    }

    /// `type`: one file type or several.
    struct FileTypes: Decodable {
        let values: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let one = try? container.decode(String.self) {
                values = [one]
            } else {
                values = try container.decode([String].self)
            }
        }
    }

    struct ItemWire: Encodable {
        let name: String
        let spaceId: String
        let inode: String
        let size: String
        let actionType: String
        let operationTime: String
        let creationTime: String
        let crc64: String
        let path: [String]?
    }

    struct PageWire: Encodable {
        let nextMarker: String?
        let contents: [ItemWire]
    }

    @Sendable func list(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        let body = try await JSON.decode(Body.self, from: &request)
        await recorder.flush()
        let limit = try body.limit.map { value -> Int in
            guard let int = Int(exactly: value.value) else { throw SMHError(.paramInvalid, "limit is too big.") }
            return int
        }
        let page = try await recent.list(
            caller, space: input.parameter("spaceId"), limit: limit, marker: body.marker,
            action: body.filterActionBy, fileTypes: body.type.map { Set($0.values) })
        let withPath = body.withPath ?? false
        return JSON.response(
            PageWire(
                nextMarker: page.nextMarker,
                contents: page.entries.map {
                    ItemWire(
                        name: $0.node.name, spaceId: $0.use.spaceId.rawValue,
                        inode: Node.formatInode($0.node.inode),
                        size: String($0.node.size), actionType: $0.use.action.rawValue,
                        operationTime: $0.use.at.iso8601, creationTime: $0.node.createdAt.iso8601,
                        crc64: $0.node.crc64 ?? "0", path: withPath ? $0.path : nil)
                }))
    }
}
