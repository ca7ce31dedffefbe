import Hummingbird
import SMHCore
import SMHStoreSQL

/// D-12: the cover picture of an album, or of a whole space in a media library without albums.
struct AlbumController {
    let directories: DirectoryService<SQLStore>
    let access: AccessService<SQLStore>
    let responder: PreviewResponder

    func register(on router: some RouterMethods<SMHRequestContext>) {
        router.get("/api/v1/album/:libraryId/:spaceId/cover", use: cover)
        router.get("/api/v1/album/:libraryId/:spaceId/cover/**", use: cover)
    }

    @Sendable func cover(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let album = try request.itemTail(fixedSegments: 3)
        let node = try await directories.cover(
            caller, space: input.parameter("spaceId"), rawAlbum: album.isEmpty ? nil : album)
        return try await responder.respond(to: node, query: input.query, request: request)
    }
}
