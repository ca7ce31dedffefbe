import Foundation
import Hummingbird
import SMHCore
import SMHMedia
import SMHStoreSQL

/// The recycle bin (spec 30 §1): R1 list, R2 info, R3 preview, R4/R5 restore, R6/R7 purge, R8 empty, R9 retention.
struct RecycleController {
    let recycle: RecycleService<SQLStore>
    let files: FileService<SQLStore>
    let access: AccessService<SQLStore>
    let publicURL: String?
    let jobs: SQLStore
    /// Restores of more items run as tasks (spec 30 R5, the rule of §5.0).
    let syncMaxItems: Int
    let previews: PreviewService

    func register(on router: some RouterMethods<SMHRequestContext>) {
        router.get("/api/v1/recycled/:libraryId/:spaceId", use: list)
        router.post("/api/v1/recycled/:libraryId/:spaceId", use: postBin)
        router.delete("/api/v1/recycled/:libraryId/:spaceId", use: deleteBin)
        router.get("/api/v1/recycled/:libraryId/:spaceId/:itemId", use: item)
        router.post("/api/v1/recycled/:libraryId/:spaceId/:itemId", use: restoreOne)
        router.delete("/api/v1/recycled/:libraryId/:spaceId/:itemId", use: deleteOne)
    }

    /// R1: page style unless marker style is asked for (spec 30 R1 "Style selection").
    @Sendable func list(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let query = input.query
        let order = try RecycleOrder.parse(query)
        let pageStyle =
            query.flag("by-page") || query["page"] != nil || query["page_size"] != nil
            || !(query.flag("by-marker") || query["marker"] != nil || query["limit"] != nil)
        let paging = try Paging.parse(query, pageStyle: pageStyle, minimumPageSize: 0)
        let (offset, limit) = (try paging.markerOffset(), paging.limit)
        let (total, items) = try await recycle.list(
            caller, space: input.parameter("spaceId"), order: order, offset: offset, limit: limit)
        let next = !pageStyle && offset + items.count < total ? offset + items.count : nil
        let now = access.clock.now()
        return JSON.response(
            ListWire(
                totalNum: total, nextMarker: next,
                contents: items.map {
                    ItemWire(item: $0, libraryType: caller.library.settings.libraryType, now: now)
                }))
    }

    /// R2 (`?info`, the default) and R3 (`?preview`: a thumbnail or cover as F-12 makes it, else the content).
    @Sendable func item(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let item = try await recycle.item(caller, space: input.parameter("spaceId"), id: input.parameter("itemId"))
        let type = NodeWire.type(of: item.node, libraryType: caller.library.settings.libraryType)
        guard item.node.kind != .directory else {
            if input.query.flag("preview") { throw SMHError(.paramInvalid, "A directory has no preview.") }
            return JSON.response(
                DirectoryInfoWire(
                    type: type, creationTime: item.node.createdAt.iso8601,
                    modificationTime: item.node.updatedAt.iso8601))
        }
        var node = item.node
        if node.kind == .symlink, let target = node.linkTarget,
            let file = try await recycle.store.liveNode(target, in: try await space(caller, input))
        {
            node = node.presenting(contentOf: file)
        }
        if input.query.flag("preview") {
            return try await PreviewResponder(previews: previews, files: files, publicURL: publicURL)
                .respond(to: node, query: input.query, request: request)
        }
        let url = try DataPlaneURL.absolute(
            files.downloadPath(for: node, attachment: false), publicURL: publicURL, request: request)
        return JSON.response(
            FileInfoWire(
                node: node, type: type, cosUrl: url,
                expiration: access.clock.now().adding(seconds: FileService<SQLStore>.defaultPeriod).iso8601))
    }

    func space(_ caller: Caller, _ input: BusinessRequest) async throws -> Space {
        try await access.space(input.parameter("spaceId"), for: caller, operation: .read)
    }

    /// R4.
    @Sendable func restoreOne(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        guard input.query.flag("restore") else { throw SMHError(.paramInvalid, "Add ?restore to restore.") }
        let strategy: ConflictStrategy =
            input.query["conflict_resolution_strategy"] == nil && input.query["conflict-resolution-strategy"] == nil
            ? .rename : try ConflictStrategy.parse(input.query, for: .file)
        let path = try await recycle.restore(
            caller, space: input.parameter("spaceId"), id: input.parameter("itemId"), strategy: strategy,
            fallbackToRoot: try Self.fallbackToRoot(input.query))
        return JSON.response(PathWire(path: path))
    }

    static func fallbackToRoot(_ query: QueryParameters) throws(SMHError) -> Bool {
        switch query["restore_path_strategy"] {
        case nil, "", "originalPath": return false
        case "fallbackToRoot": return true
        default: throw SMHError(.paramInvalid, "restore_path_strategy must be originalPath or fallbackToRoot.")
        }
    }

    /// POST on the bin: `?restore` (R5), `?delete` (R7), `?lifecycle` (R9).
    @Sendable func postBin(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        let spaceId = input.parameter("spaceId")
        if input.query.flag("restore") {
            let fallback = try Self.fallbackToRoot(input.query)
            let ids = try await JSON.decode([FlexibleInt64].self, from: &request).map(\.value)
            if ids.count > syncMaxItems {
                let space = try await recycle.checkRestore(caller, space: spaceId, ids: ids)
                let id = try await TaskService(store: jobs, clock: access.clock).enqueue(
                    .restore(ids: ids, fallbackToRoot: fallback, requester: TaskRequester(caller)),
                    library: caller.library.id, space: space.id)
                return JSON.response(status: .accepted, BatchController.TaskCreatedWire(taskId: id))
            }
            let wire = try await restore(caller, spaceId, ids, fallback)
            return JSON.response(
                status: wire.failed ? HTTPResponse.Status(code: 207, reasonPhrase: "Multi-Status") : .ok, wire)
        }
        if input.query.flag("delete") { return try await purge(caller, spaceId, &request) }
        if input.query.flag("lifecycle") {
            let body = try await JSON.decode(LifecycleBody.self, from: &request)
            guard let days = body.retentionDays?.value else {
                throw SMHError(.paramInvalid, "retentionDays is required.")
            }
            try await recycle.setRetention(caller, space: spaceId, days: days)
            return Response(status: .noContent)
        }
        throw SMHError(.paramInvalid, "Add ?restore, ?delete or ?lifecycle.")
    }

    func restore(_ caller: Caller, _ spaceId: String, _ ids: [Int64], _ fallbackToRoot: Bool) async throws
        -> BatchWire
    {
        let outcomes = try await recycle.restore(caller, space: spaceId, ids: ids, fallbackToRoot: fallbackToRoot)
        return BatchWire(
            result: outcomes.map {
                BatchItemWire(
                    recycledItemId: $0.id, status: $0.error.map { $0.code.httpStatus } ?? 200,
                    path: $0.path, code: $0.error?.code.rawValue, message: $0.error?.message)
            })
    }

    /// Runs a queued R5 as the caller who asked for it; the task's result is the `result` array of a synchronous
    /// answer.
    func runTask(
        ids: [Int64], fallbackToRoot: Bool, requester: TaskRequester, job: Job
    ) async throws -> (status: Int, result: AnyJSON?) {
        guard let library = try await access.store.library(job.libraryId), let spaceId = job.spaceId else {
            return (500, nil)
        }
        let wire = try await restore(
            requester.caller(in: library, now: access.clock.now()), spaceId.rawValue, ids, fallbackToRoot)
        return (wire.failed ? 207 : 200, try AnyJSON(encoding: wire.result))
    }

    func purge(_ caller: Caller, _ spaceId: String, _ request: inout Request) async throws -> Response {
        let ids = try await JSON.decode([FlexibleInt64].self, from: &request).map(\.value)
        try await recycle.delete(caller, space: spaceId, ids: ids)
        return Response(status: .noContent)
    }

    /// DELETE on the bin: with `?delete` a batch purge (R7, the Flutter form) — never mistaken for emptying; without
    /// it, empty the bin (R8).
    @Sendable func deleteBin(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        if input.query["delete"] != nil { return try await purge(caller, input.parameter("spaceId"), &request) }
        try await recycle.empty(caller, space: input.parameter("spaceId"))
        return Response(status: .noContent)
    }

    /// R6.
    @Sendable func deleteOne(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        try await recycle.delete(caller, space: input.parameter("spaceId"), id: input.parameter("itemId"))
        return Response(status: .noContent)
    }
}
