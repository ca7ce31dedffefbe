import Hummingbird
import SMHCore
import SMHStoreSQL

/// Search (spec 30 §3): S1 start, S2 more, S3 delete, S4 `search-fs` by name; S5, S6 and S4's full-text type answer
/// `FunctionNotEnabled`.
struct SearchController {
    let search: SearchService<SQLStore>
    let access: AccessService<SQLStore>

    func register(on router: some RouterMethods<SMHRequestContext>) {
        // One parameter name at the third position serves both `space-contents` (S1) and a search id (S2, S3).
        router.post("/api/v1/search/:libraryId/:spaceId/:searchId", use: post)
        router.get("/api/v1/search/:libraryId/:spaceId/:searchId", use: get)
        router.delete("/api/v1/search/:libraryId/:spaceId/:searchId", use: delete)
        // The Flutter SDK's `nextSearchFile` posts here without a search id (spec 30 S2 note).
        router.post("/api/v1/search/:libraryId/:spaceId", use: missingSearchId)
    }

    @Sendable func post(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        let spaceId = input.parameter("spaceId")
        switch input.parameter("searchId") {
        case "space-contents":
            let body = try await JSON.decode(SearchRequest.self, from: &request)
            let page = try await search.start(
                caller, space: spaceId, request: body,
                withFavorites: try input.query.bool("with_favorite_status"))
            return JSON.response(try wire(page, caller, input))
        case "search-fs":
            let body = try await JSON.decode(FileSearchRequest.self, from: &request)
            let found = try await search.find(
                caller, space: spaceId, request: body, marker: input.query["marker"] ?? body.marker,
                limit: try input.query.int("limit"), withFavorites: try input.query.bool("with_favorite_status"))
            return JSON.response(
                FileSearchWire(nextMarker: found.nextMarker, contents: try items(found.results, caller, input)))
        case "search-fs-stats", "search-ai":
            _ = try await access.space(spaceId, for: caller, operation: .read)
            throw SMHError(.functionNotEnabled, "This kind of search is not available on this server.")
        default:
            throw SMHError(.routeNotFound, "No search operation \(input.parameter("searchId")).")
        }
    }

    /// S2: `marker` is required and must be an integer.
    @Sendable func get(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        guard let raw = input.query["marker"], let marker = Int(raw), marker >= 0 else {
            throw SMHError(.searchIdInvalid, "marker must be the nextMarker of an earlier answer.")
        }
        let page = try await search.more(
            caller, space: input.parameter("spaceId"), id: input.parameter("searchId"), marker: marker,
            withFavorites: try input.query.bool("with_favorite_status"))
        return JSON.response(try wire(page, caller, input))
    }

    /// S3: 204 whether or not the search still existed.
    @Sendable func delete(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        try await search.delete(caller, space: input.parameter("spaceId"), id: input.parameter("searchId"))
        return Response(status: .noContent)
    }

    @Sendable func missingSearchId(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        _ = try await access.space(input.parameter("spaceId"), for: caller, operation: .read)
        throw SMHError(.searchIdNotFound, "The request names no search id.")
    }

    func wire(_ page: SearchService<SQLStore>.Page, _ caller: Caller, _ input: BusinessRequest) throws -> PageWire {
        PageWire(
            searchId: page.searchId, hasMore: page.nextMarker != nil, nextMarker: page.nextMarker,
            contents: try items(page.results, caller, input))
    }

    /// Result items of S1, S2 and S4: listing items with `metaData` on every file.
    func items(_ results: [SearchService<SQLStore>.Result], _ caller: Caller, _ input: BusinessRequest) throws
        -> [NodeWire]
    {
        let withInode = try input.query.bool("with_inode")
        return results.map {
            var item = NodeWire(
                node: $0.node, path: $0.path, libraryType: caller.library.settings.libraryType, withInode: withInode,
                isFavorite: $0.isFavorite)
            item.alwaysMetaData = true
            return item
        }
    }

    /// S4's answer: `nextMarker` only while there is more.
    struct FileSearchWire: Encodable {
        let nextMarker: String?
        let contents: [NodeWire]
    }

    /// S1/S2's answer. Searches run to the end at once (spec 30 §3.0), so `searchFinished` is always true.
    struct PageWire: Encodable {
        let searchId: String
        let searchFinished = true
        let hasMore: Bool
        let nextMarker: Int?
        let contents: [NodeWire]
    }
}
