import Hummingbird
import SMHCore
import SMHStoreSQL

/// The Tenant Space API and the usage endpoints (spec 10 §3).
struct SpaceController {
    let spaces: SpaceService<SQLStore>
    let access: AccessService<SQLStore>

    func register(on router: some RouterMethods<SMHRequestContext>) {
        router.post("/api/v1/space/:libraryId", use: create)
        router.get("/api/v1/space/:libraryId", use: legacyList)
        router.get("/api/v1/space/:libraryId/list", use: list)
        router.get("/api/v1/space/:libraryId/count", use: count)
        router.delete("/api/v1/space/:libraryId/:spaceId", use: delete)
        router.get("/api/v1/space/:libraryId/:spaceId/extension", use: showSettings)
        router.post("/api/v1/space/:libraryId/:spaceId/extension", use: updateSettings)
        router.get("/api/v1/space/:libraryId/:spaceId/size", use: size)
        // P2 endpoints not built yet: authenticated, then 501 FunctionNotEnabled (spec 20 §1.9).
        router.get("/api/v1/space/:libraryId/:spaceId/file-count", use: fileCount)
        router.post("/api/v1/space/:libraryId/:spaceId/traffic-limit", use: notImplemented("Download traffic limits"))
        router.get("/api/v1/space/:libraryId/:spaceId/contents-view", use: notImplemented("The space contents view"))
        router.get("/api/v1/stats/:libraryId/space-size", use: sizeByTag)
        router.get("/api/v1/usage/:libraryId", use: libraryUsage)
        router.get("/api/v1/usage/:libraryId/:spaceIds", use: spaceUsage)
    }

    func notImplemented(_ feature: String) -> @Sendable (Request, SMHRequestContext) async throws -> Response {
        { request, context in
            let input = BusinessRequest(request, context: context)
            let caller = try context.requireCaller()
            let spaceId = input.parameter("spaceId")
            try caller.requireCredentials()
            if !spaceId.isEmpty { _ = try await access.space(spaceId, for: caller, operation: .read) }
            throw SMHError.notImplemented(feature)
        }
    }

    struct FileCountWire: Encodable {
        let fileNum: String
        let dirNum: String
        let recycledFileNum: String
        let recycledDirNum: String
        let historyFileNum: String
    }

    /// Spec 10 §3.10 (JS `space.getFileCountInSpace`): decimal strings.
    @Sendable func fileCount(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let counts = try await spaces.fileCounts(caller, spaceId: input.parameter("spaceId"))
        return JSON.response(
            FileCountWire(
                fileNum: String(counts.files), dirNum: String(counts.directories),
                recycledFileNum: String(counts.recycledFiles), recycledDirNum: String(counts.recycledDirectories),
                historyFileNum: String(counts.historyVersions)))
    }

    struct TagSizeWire: Encodable {
        let spaceTag: String
        let size: String
    }

    /// Spec 10 §3.15 (Java `getStats`): `[{spaceTag, size}]`.
    @Sendable func sizeByTag(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let tag = input.query["space_tag"].flatMap { $0.isEmpty ? nil : $0 }
        let sums = try await spaces.sizeByTag(caller, tag: tag)
        return JSON.response(sums.map { TagSizeWire(spaceTag: $0.tag, size: String($0.size)) })
    }

    @Sendable func create(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        try caller.requireMultiSpace()
        try caller.require(.createSpace)
        let body = try await JSON.decode(SpaceExtensionPatch.self, from: &request)
        let id = try await spaces.create(caller, customId: input.query["space_id"], body: body)
        context.logger.info("space created", metadata: ["library_id": "\(caller.library.id)", "space_id": "\(id)"])
        return JSON.response(status: .created, SpaceWire.Created(spaceId: id.rawValue))
    }

    @Sendable func list(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let ordered = try input.query.bool("ordered")
        let page = try await spaces.list(
            caller, marker: input.query["marker"], limit: try input.query.int("limit"),
            prefix: ordered ? input.query["prefix"] : nil, startName: ordered ? input.query["start_name"] : nil)
        return JSON.response(
            SpaceWire.Page(
                list: page.spaces.map(SpaceWire.Item.init), marker: page.nextMarker, nextMarker: page.nextMarker))
    }

    @Sendable func legacyList(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        return JSON.response(try await spaces.listAll(caller).map(SpaceWire.Item.init))
    }

    @Sendable func count(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        return JSON.response(SpaceWire.Count(total: try await spaces.count(caller)))
    }

    @Sendable func delete(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let spaceId = input.parameter("spaceId")
        try await spaces.delete(caller, spaceId: spaceId, force: try input.query.bool("force"))
        context.logger.info(
            "space deleted", metadata: ["library_id": "\(caller.library.id)", "space_id": "\(spaceId)"])
        return Response(status: .noContent)
    }

    @Sendable func showSettings(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        return JSON.response(
            SpaceWire.Settings(settings: try await spaces.settings(caller, spaceId: input.parameter("spaceId"))))
    }

    @Sendable func updateSettings(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        // Scope, existence and permission come before the body is even read (spec 10 §1.5.1).
        _ = try await access.space(input.parameter("spaceId"), for: caller, operation: .updateSpaceExtension)
        let patch = try await JSON.decode(SpaceExtensionPatch.self, from: &request)
        try await spaces.updateSettings(caller, spaceId: input.parameter("spaceId"), patch: patch)
        return Response(status: .noContent)
    }

    @Sendable func size(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let bytes = try await spaces.size(caller, spaceId: input.parameter("spaceId"))
        return JSON.response(SpaceWire.Size(size: String(bytes)))
    }

    @Sendable func libraryUsage(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        return JSON.response(SpaceWire.LibraryUsage(usage: try await spaces.libraryUsage(caller)))
    }

    @Sendable func spaceUsage(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let usage = try await spaces.spaceUsage(caller, spaceIds: input.parameter("spaceIds"))
        return JSON.response(usage.map(SpaceWire.SpaceUsage.init))
    }
}
