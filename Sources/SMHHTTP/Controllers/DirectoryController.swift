import Foundation
import Hummingbird
import SMHCore
import SMHStoreSQL

/// Directories and albums (spec 20 §5). The item path is taken from the raw request target, never from a decoded
/// route parameter, so `%2F` and `/` are told apart exactly as spec 10 §1.3 says.
struct DirectoryController {
    let directories: DirectoryService<SQLStore>
    let access: AccessService<SQLStore>
    let jobs: SQLStore
    /// Copies of directories with more entries than this run as tasks (spec 20 D-06).
    let copyTaskAbove: Int

    func register(on router: some RouterMethods<SMHRequestContext>) {
        for path in ["/api/v1/directory/:libraryId/:spaceId", "/api/v1/directory/:libraryId/:spaceId/**"] {
            router.put(RouterPath(path), use: put)
            router.get(RouterPath(path), use: get)
            router.head(RouterPath(path), use: head)
            router.delete(RouterPath(path), use: delete)
            router.post(RouterPath(path), use: post)
        }
        router.put("/api/v1/cross-space/directory/:libraryId/:spaceId/copy/**", use: crossSpaceCopy)
    }

    /// PUT: create (D-01); a body with `from` moves (D-05), one with `copyFrom` copies (D-06).
    @Sendable func put(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        let spaceId = input.parameter("spaceId")
        if input.query.flag("calibrate") {
            // D-11: statistics are computed exactly on every D-10, so the recalculation task has nothing to do;
            // it is created (and polled) like any task so that clients following the documented flow work.
            try caller.require(.spaceAdministration)
            let stats = try await directories.stats(
                caller, space: spaceId, rawPath: try request.itemTail(), type: input.query["stats_type"],
                recycledId: input.query["recycled_id"])
            let space = try await access.space(spaceId, for: caller, operation: .spaceAdministration)
            let id = try await TaskService(store: jobs, clock: access.clock).enqueue(
                .calibrate, library: caller.library.id, space: space.id)
            context.logger.debug("statistics calibrated", metadata: ["files": "\(stats.fileCount)"])
            return JSON.response(BatchController.TaskCreatedWire(taskId: id))
        }
        let body = try await JSON.decode(DirectoryBody.self, from: &request)
        guard body.from == nil || body.copyFrom == nil else {
            throw SMHError(.paramInvalid, "Give from (move) or copyFrom (copy), not both.")
        }
        let strategy = try ConflictStrategy.parse(input.query, for: .directory)
        if let copyFrom = body.copyFrom {
            return try await copy(
                caller, spaceId, try request.itemTail(), from: copyFrom, fromSpace: nil, strategy: strategy)
        }
        if let from = body.from {
            // D-05: 204 with ask, 200 and the final path with rename (spec 20).
            let path = try await directories.move(
                caller, space: spaceId, rawPath: try request.itemTail(), from: from, strategy: strategy)
            return strategy == .ask ? Response(status: .noContent) : JSON.response(MovedWire(path: path))
        }
        let description = try await JSON.decode(DescriptionPatch.self, from: &request)
        let (path, node) = try await directories.create(
            caller, space: spaceId, rawPath: try request.itemTail(), strategy: strategy,
            description: description)
        return JSON.response(
            status: .created,
            CreatedWire(
                path: path, inode: try input.query.bool("with_inode") ? Node.formatInode(node.inode) : nil,
                creationTime: node.createdAt.iso8601, labels: node.labels.isEmpty ? nil : node.labels,
                metaData: node.metaData.isEmpty ? nil : node.metaData,
                localCreationTime: node.localTimes.created?.iso8601,
                localModificationTime: node.localTimes.modified?.iso8601))
    }

    /// D-06 (and D-07 from another space): 204 with ask, 200 and the final path with rename; a large source answers
    /// `202 {"taskId"}` once the target is reserved, and a task copies the contents.
    func copy(
        _ caller: Caller, _ spaceId: String, _ target: Substring, from copyFrom: String, fromSpace: String?,
        strategy: ConflictStrategy
    ) async throws -> Response {
        switch try await directories.copy(
            caller, space: spaceId, rawPath: target, from: copyFrom, fromSpace: fromSpace, strategy: strategy,
            taskAbove: copyTaskAbove)
        {
        case .done(let path):
            return strategy == .ask ? Response(status: .noContent) : JSON.response(MovedWire(path: path))
        case .reserved(let path, let source, let target, let space):
            let id = try await TaskService(store: jobs, clock: access.clock).enqueue(
                .copyDirectory(source: source.rawValue, target: target.rawValue, path: path, userId: caller.userId),
                library: caller.library.id, space: space)
            return JSON.response(status: .accepted, BatchController.TaskCreatedWire(taskId: id))
        }
    }

    struct CrossSpaceBody: Decodable {
        let copyFrom: String?
        let copyFromSpaceId: String?
    }

    /// D-07 (P2): `PUT /api/v1/cross-space/directory/{LibraryId}/{SpaceId}/copy/{DirPath}`, a directory of another
    /// space of the library copied here; admin, or space_admin on both spaces.
    @Sendable func crossSpaceCopy(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        let body = try await JSON.decode(CrossSpaceBody.self, from: &request)
        guard let copyFrom = body.copyFrom, !copyFrom.isEmpty else {
            throw SMHError(.paramInvalid, "copyFrom is required.")
        }
        guard let fromSpace = body.copyFromSpaceId, !fromSpace.isEmpty else {
            throw SMHError(.paramInvalid, "copyFromSpaceId is required.")
        }
        return try await copy(
            caller, input.parameter("spaceId"), try request.itemTail(fixedSegments: 4), from: copyFrom,
            fromSpace: fromSpace, strategy: try ConflictStrategy.parse(input.query, for: .directory))
    }

    /// D-10's answer: `storage`, `fileCount` and `dirCount` are JSON numbers.
    struct StatsWire: Encodable {
        let userId: String
        let statsType: String
        let storage: Int64
        let fileCount: Int64
        let dirCount: Int64
    }

    /// GET: info (D-03) with `?info`, else a listing (D-02). Both answer `304` to a matching `If-None-Match`.
    @Sendable func get(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let spaceId = input.parameter("spaceId")
        let withInode = try input.query.bool("with_inode")
        let tail = try request.itemTail()
        if input.query.flag("stats") {
            let stats = try await directories.stats(
                caller, space: spaceId, rawPath: tail, type: input.query["stats_type"],
                recycledId: input.query["recycled_id"])
            return JSON.response(
                StatsWire(
                    userId: caller.userId, statsType: stats.statsType, storage: stats.storage,
                    fileCount: stats.fileCount, dirCount: stats.dirCount))
        }
        if input.query.flag("info") {
            let (path, node) = try await directories.info(caller, space: spaceId, rawPath: tail)
            var wire = NodeWire(
                node: node, path: path, libraryType: caller.library.settings.libraryType, withInode: withInode,
                includeLinkTo: true)
            if try input.query.bool("with_favorite_status") {
                wire.isFavorite = !(try await favorites(caller, spaceId, [node.inode]).isEmpty)
            }
            return Self.conditional(request, eTag: node.wireETag) { JSON.response(wire) }
        }
        let query = try ListingQuery.parse(input.query)
        let listing = try await directories.list(caller, space: spaceId, rawPath: tail, query: query)
        var wire = ListingWire(
            listing: listing, libraryType: caller.library.settings.libraryType, withInode: withInode)
        if try input.query.bool("with_favorite_status") {
            wire.favorites = try await favorites(caller, spaceId, listing.items.map(\.inode))
        }
        let answer = wire
        return Self.conditional(request, eTag: listing.directory.wireETag) { JSON.response(answer) }
    }

    func favorites(_ caller: Caller, _ spaceId: String, _ inodes: [Inode]) async throws -> Set<Inode> {
        let space = try await access.space(spaceId, for: caller, operation: .read)
        return try await directories.store.favorited(
            library: caller.library.id, space: space.id, userId: caller.userId, among: inodes)
    }

    /// HEAD (D-04): 200 when a directory is there, 404 otherwise (a file included); never a body.
    @Sendable func head(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let (_, node) = try await directories.info(
            caller, space: input.parameter("spaceId"), rawPath: try request.itemTail())
        guard node.kind == .directory else { throw SMHError(.directoryNotFound, "Not a directory.") }
        var response = Response(status: .ok)
        response.headers[.eTag] = node.wireETag
        return response
    }

    /// DELETE (D-08): `200 {"recycledItemId"}` into the recycle bin, `204` when deleted for good.
    @Sendable func delete(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        if try input.query.bool("directory_only") { throw SMHError.notImplemented("directory_only") }
        let recycled = try await directories.delete(
            caller, space: input.parameter("spaceId"), rawPath: try request.itemTail(),
            permanent: try input.query.bool("permanent"))
        guard let recycled else { return Response(status: .noContent) }
        return JSON.response(RecycledWire(recycledItemId: recycled))
    }

    /// POST `?update`: labels, category and metadata of a file (F-20) or directory (D-09).
    @Sendable func post(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        guard input.query.flag("update") else { throw SMHError(.routeNotFound, "No such API.") }
        // Permission before the body (spec 10 §1.5.1).
        _ = try await access.space(input.parameter("spaceId"), for: caller, operation: .spaceAdministration)
        let patch = try await JSON.decode(DescriptionPatch.self, from: &request)
        try await directories.updateDescription(
            caller, space: input.parameter("spaceId"), rawPath: try request.itemTail(), patch: patch)
        return Response(status: .noContent)
    }

    /// Answers `304` without a body when the client already has this eTag; otherwise the answer, with `ETag` set.
    static func conditional(_ request: Request, eTag: String, _ answer: () -> Response) -> Response {
        if let match = request.headers[.ifNoneMatch], match == eTag || match == "\"\(eTag)\"" || match == "*" {
            var response = Response(status: .notModified)
            response.headers[.eTag] = eTag
            return response
        }
        var response = answer()
        response.headers[.eTag] = eTag
        return response
    }

    /// A large copy's task: the reserved target is filled from the source; its result is D-06's `{"path": [...]}`
    /// (spec 30 §2.0).
    func runCopyTask(
        source: Int64, target: Int64, path: [String], userId: String, job: Job
    ) async throws -> (status: Int, result: AnyJSON?) {
        guard let space = job.spaceId else { return (500, nil) }
        try await directories.copyContents(
            library: job.libraryId, space: space, source: Inode(source), target: Inode(target), userId: userId)
        return (200, try AnyJSON(encoding: MovedWire(path: path)))
    }

    struct DirectoryBody: Decodable {
        let from: String?
        let copyFrom: String?
    }

    struct CreatedWire: Encodable {
        let path: [String]
        let inode: String?
        let creationTime: String
        let labels: [String]?
        let metaData: [String: String]?
        let localCreationTime: String?
        let localModificationTime: String?
    }

    struct MovedWire: Encodable {
        let path: [String]
    }

    struct RecycledWire: Encodable {
        let recycledItemId: Int64
    }
}
