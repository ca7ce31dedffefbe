import Foundation
import Hummingbird
import SMHCore
import SMHMedia
import SMHStoreSQL

/// Historical versions (spec 30 §4): H1/H2 settings (with the `{SpaceId}` alias iOS sends), H3 empty the library's
/// history (a task), H4 list, H5 set latest, H6 delete.
struct HistoryController {
    let history: HistoryService<SQLStore>
    let access: AccessService<SQLStore>
    let jobs: SQLStore
    let clock: any Clock

    func register(on router: some RouterMethods<SMHRequestContext>) {
        for path in [
            "/api/v1/directory-history/:libraryId/library-history",
            "/api/v1/directory-history/:libraryId/:spaceId/library-history",
        ] {
            router.get(RouterPath(path), use: getSettings)
            router.post(RouterPath(path), use: setSettings)
            router.delete(RouterPath(path), use: emptyHistory)
        }
        router.get("/api/v1/directory-history/:libraryId/:spaceId/history-list/**", use: list)
        router.post("/api/v1/directory-history/:libraryId/:spaceId/latest-version/:historyId", use: setLatest)
        router.post("/api/v1/directory-history/:libraryId/:spaceId/delete", use: delete)
    }

    struct SettingsWire: Encodable {
        let enableFileHistory: Bool
        let fileHistoryCount: Int?
        let fileHistoryExpireDay: Int?
        let mergeInterval: Int?
    }

    struct SettingsBody: Decodable {
        let enableFileHistory: FlexibleBool?
        let fileHistoryCount: FlexibleInt64?
        let fileHistoryExpireDay: FlexibleInt64?
        let mergeInterval: FlexibleInt64?
        let isClearFileHistory: FlexibleBool?
    }

    /// A settings number within `Int` (the range checks are the service's).
    static func small(_ value: Int64, _ field: String) throws -> Int {
        guard let int = Int(exactly: value), abs(int) < 1_000_000 else {
            throw SMHError(.paramInvalid, "\(field) is out of range.")
        }
        return int
    }

    @Sendable func getSettings(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let settings = try history.settings(caller)
        let on = settings.enableFileHistory
        return JSON.response(
            SettingsWire(
                enableFileHistory: on, fileHistoryCount: on ? settings.fileHistoryCount : nil,
                fileHistoryExpireDay: on ? settings.fileHistoryExpireDay : nil,
                mergeInterval: on ? settings.fileHistoryMergeInterval : nil))
    }

    @Sendable func setSettings(_ request: Request, context: SMHRequestContext) async throws -> Response {
        var request = request
        let caller = try context.requireCaller()
        try caller.require(.libraryAdministration)
        let body = try await JSON.decode(SettingsBody.self, from: &request)
        try await history.update(
            caller,
            .init(
                enableFileHistory: body.enableFileHistory?.value,
                fileHistoryCount: try body.fileHistoryCount.map { try Self.small($0.value, "fileHistoryCount") },
                fileHistoryExpireDay: try body.fileHistoryExpireDay.map {
                    try Self.small($0.value, "fileHistoryExpireDay")
                },
                mergeInterval: try body.mergeInterval.map { try Self.small($0.value, "mergeInterval") },
                isClearFileHistory: body.isClearFileHistory?.value))
        return Response(status: .noContent)
    }

    @Sendable func emptyHistory(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        try history.checkEmpty(caller)
        let id = try await TaskService(store: jobs, clock: clock).enqueue(
            .emptyHistory, library: caller.library.id, space: nil)
        return JSON.response(status: .accepted, BatchController.TaskCreatedWire(taskId: id))
    }

    struct EmptyResultWire: Encodable {
        let err: String
        let status: Int
        let deleteCount: Int
    }

    /// H3's task: its result is `[{"err":"","status":0,"deleteCount":N}]` (spec 30 H3).
    func runEmptyTask(job: Job) async throws -> (status: Int, result: AnyJSON?) {
        let count = try await history.empty(library: job.libraryId)
        return (200, try AnyJSON(encoding: [EmptyResultWire(err: "", status: 0, deleteCount: count)]))
    }

    struct VersionWire: Encodable {
        let id: Int64?
        let version: Int64
        let isLatestVersion: Bool
        let createdBy: String
        let creationWay: Int
        let name: String
        let size: Int64
        let crc64: String
        let contentType: String
        let creationTime: String
        let setLatestTime: String
    }

    struct ListWire: Encodable {
        let totalNum: Int?
        let hasMore: Bool
        let nextMarker: String?
        let contents: [VersionWire]
    }

    /// H4: marker style unless page parameters are given; the latest version always comes first.
    @Sendable func list(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let query = input.query
        let (file, versions) = try await history.versions(
            caller, space: input.parameter("spaceId"), rawPath: try request.itemTail(fixedSegments: 3))
        let orderBy = query["order_by"] ?? query["orderBy"] ?? "id"
        let orderType = (query["order_by_type"] ?? query["orderByType"] ?? "desc").lowercased()
        guard ["id", "creationTime", "size"].contains(orderBy) else {
            throw SMHError(.orderByNotAllowed, "order_by must be id, creationTime or size.")
        }
        guard orderType == "asc" || orderType == "desc" else {
            throw SMHError(.orderByTypeNotAllowed, "order_by_type must be asc or desc.")
        }
        var older = versions.sorted {
            switch orderBy {
            case "creationTime": return ($0.info.contentCreatedAt, $0.id) < ($1.info.contentCreatedAt, $1.id)
            case "size": return ($0.size, $0.id) < ($1.size, $1.id)
            default: return $0.id < $1.id
            }
        }
        if orderType == "desc" { older.reverse() }
        let all =
            [
                VersionWire(
                    id: nil, version: file.version.number, isLatestVersion: true,
                    createdBy: file.version.contentCreatedBy, creationWay: file.version.way.rawValue,
                    name: file.name, size: file.size, crc64: file.crc64 ?? "0", contentType: file.contentType,
                    creationTime: file.version.contentCreatedAt.iso8601,
                    setLatestTime: file.version.latestSince.iso8601)
            ]
            + older.map {
                VersionWire(
                    id: $0.id, version: $0.info.number, isLatestVersion: false, createdBy: $0.info.contentCreatedBy,
                    creationWay: $0.info.way.rawValue, name: file.name, size: $0.size, crc64: $0.crc64 ?? "0",
                    contentType: $0.contentType, creationTime: $0.info.contentCreatedAt.iso8601,
                    setLatestTime: $0.info.latestSince.iso8601)
            }
        let pageStyle = query["page"] != nil || query["page_size"] != nil
        let paging = try Paging.parse(query, pageStyle: pageStyle)
        let (offset, limit) = (try paging.markerOffset(invalid: .markerNotFound), paging.limit)
        let page = Array(all.dropFirst(offset).prefix(limit))
        let hasMore = offset + page.count < all.count
        return JSON.response(
            ListWire(
                totalNum: pageStyle ? all.count : nil, hasMore: hasMore,
                nextMarker: !pageStyle && hasMore ? String(offset + page.count) : nil, contents: page))
    }

    struct LatestWire: Encodable {
        let name: String
        let type: String
        let objectKey: String
        let creationTime: String
        let modificationTime: String
        let setLatestTime: String
        let contentType: String
        let size: String
        let eTag: String
        let crc64: String
        let previewByDoc: Bool
        let previewByCI: Bool
        let previewAsIcon: Bool
        let fileType: String
    }

    /// H5.
    @Sendable func setLatest(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let (path, file) = try await history.setLatest(
            caller, space: input.parameter("spaceId"), id: input.parameter("historyId"))
        let fileType = FileKinds.fileType(of: file.name)
        let media = PreviewSupport.current.covers(fileType: fileType)
        return JSON.response(
            LatestWire(
                name: file.name,
                type: NodeWire(
                    node: file, path: path, libraryType: caller.library.settings.libraryType, withInode: false
                ).type, objectKey: path.joined(separator: "/"), creationTime: file.version.contentCreatedAt.iso8601,
                modificationTime: file.updatedAt.iso8601, setLatestTime: file.version.latestSince.iso8601,
                contentType: file.contentType, size: String(file.size), eTag: file.wireETag,
                crc64: file.crc64 ?? "0", previewByDoc: false, previewByCI: media, previewAsIcon: media,
                fileType: fileType))
    }

    /// H6: ids as numbers or numeric strings.
    @Sendable func delete(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        _ = try await access.space(input.parameter("spaceId"), for: caller, operation: .deleteHistory)
        let ids = try await JSON.decode([FlexibleInt64].self, from: &request).map(\.value)
        try await history.delete(caller, space: input.parameter("spaceId"), ids: ids)
        return Response(status: .noContent)
    }
}
