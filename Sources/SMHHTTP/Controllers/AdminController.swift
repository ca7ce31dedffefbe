import Hummingbird
import SMHCore
import SMHStoreSQL

/// The admin API of spec 00, our stand-in for SMH's web console: libraries and their secrets.
struct AdminController {
    let libraries: LibraryService<SQLStore>
    let adminKeyHash: String

    func register(on router: Router<SMHRequestContext>) {
        let group = router.group("admin/v1/libraries").add(middleware: AdminKeyMiddleware(adminKeyHash: adminKeyHash))
        group.post(use: create)
        group.get(use: list)
        group.get(":libraryId", use: show)
        group.patch(":libraryId", use: update)
        group.delete(":libraryId", use: delete)
        group.post(":libraryId/secret", use: rotateSecret)
    }

    struct LibraryList: Encodable {
        let libraries: [LibraryView]
    }

    struct SecretAnswer: Encodable {
        let libraryId: String
        let librarySecret: String
    }

    @Sendable func create(_ request: Request, context: SMHRequestContext) async throws -> Response {
        var request = request
        let patch = try await JSON.decode(LibrarySettingsPatch.self, from: &request)
        let (library, secret) = try await libraries.create(patch)
        context.logger.info("library created", metadata: ["library_id": .string(library.id.rawValue)])
        return JSON.response(status: .created, LibraryView(library, secret: secret))
    }

    @Sendable func list(_ request: Request, context: SMHRequestContext) async throws -> Response {
        JSON.response(LibraryList(libraries: try await libraries.list().map { LibraryView($0) }))
    }

    @Sendable func show(_ request: Request, context: SMHRequestContext) async throws -> Response {
        JSON.response(LibraryView(try await libraries.show(try libraryId(context))))
    }

    @Sendable func update(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let id = try libraryId(context)
        var request = request
        let patch = try await JSON.decode(LibrarySettingsPatch.self, from: &request)
        return JSON.response(LibraryView(try await libraries.update(id, patch)))
    }

    @Sendable func delete(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let id = try libraryId(context)
        let force = try QueryParameters(raw: request.uri.query.map { Substring($0) }).bool("force")
        try await libraries.delete(id, force: force)
        context.logger.info("library deleted", metadata: ["library_id": .string(id.rawValue)])
        return Response(status: .noContent)
    }

    @Sendable func rotateSecret(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let id = try libraryId(context)
        let secret = try await libraries.rotateSecret(id)
        context.logger.info("library secret rotated", metadata: ["library_id": .string(id.rawValue)])
        return JSON.response(SecretAnswer(libraryId: id.rawValue, librarySecret: secret))
    }

    private func libraryId(_ context: SMHRequestContext) throws -> LibraryID {
        guard let raw = context.parameters.get("libraryId"), !raw.isEmpty else {
            throw SMHError(.emptyLibraryId, "The library id is missing.")
        }
        return LibraryID(raw)
    }
}
