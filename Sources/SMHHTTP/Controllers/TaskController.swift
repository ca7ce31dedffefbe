import Foundation
import Hummingbird
import SMHCore
import SMHStoreSQL

/// The Query Task API (spec 30 T1, T2): `taskId` and `id` both carried, one element per known task, in order; and
/// the v2 shape of one task (T3, T4).
struct TaskController {
    let access: AccessService<SQLStore>
    let store: SQLStore

    func register(on router: some RouterMethods<SMHRequestContext>) {
        router.get("/api/v1/task/:libraryId/:spaceId/:ids", use: spaceTasks)
        // T2's id list sits where T1 has the space id: Hummingbird wants one parameter name per position.
        router.get("/api/v1/task/:libraryId/:spaceId", use: libraryTasks)
        // T3 and T4 (P2): one task, the v2 shape.
        router.get("/api/v1/task-result/:libraryId/:spaceId/:ids", use: spaceTaskV2)
        router.get("/api/v1/task-result/:libraryId/:spaceId", use: libraryTaskV2)
    }

    static func ids(_ raw: String) throws(SMHError) -> [Int64] {
        let decoded = raw.replacingOccurrences(of: "%2C", with: ",").replacingOccurrences(of: "%2c", with: ",")
        let parts = decoded.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 100 else { throw SMHError(.paramInvalid, "List 1 to 100 task ids.") }
        var ids: [Int64] = []
        for part in parts {
            guard let id = Int64(part), id > 0 else { throw SMHError(.paramInvalid, "Task ids are positive integers.") }
            ids.append(id)
        }
        return ids
    }

    @Sendable func spaceTasks(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let space = try await access.space(input.parameter("spaceId"), for: caller, operation: .read)
        return try await answer(caller, space: space.id, ids: try Self.ids(input.parameter("ids")))
    }

    @Sendable func libraryTasks(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        try caller.requireCredentials()
        return try await answer(caller, space: nil, ids: try Self.ids(input.parameter("spaceId")))
    }

    @Sendable func spaceTaskV2(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let space = try await access.space(input.parameter("spaceId"), for: caller, operation: .read)
        return try await answerV2(caller, space: space.id, id: input.parameter("ids"))
    }

    @Sendable func libraryTaskV2(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        try caller.requireCredentials()
        return try await answerV2(caller, space: nil, id: input.parameter("spaceId"))
    }

    /// T3/T4: `taskId` as a string, `taskType`, the status with `400` when every item failed, and the result under
    /// the field its type names (spec 30 T3). A large directory copy, which the v2 vocabulary does not name, is
    /// `copyDirectory` with `copyDirectoryResult`.
    func answerV2(_ caller: Caller, space: SpaceID?, id raw: String) async throws -> Response {
        guard let id = Int64(raw), id > 0 else { throw SMHError(.paramInvalid, "The task id is a positive integer.") }
        let jobs = try await store.jobs(library: caller.library.id, space: space, ids: [id], now: access.clock.now())
        guard let job = jobs.first else { throw SMHError(.taskNotFound, "Task \(id) does not exist here.") }
        let operation =
            (try? JSONSerialization.jsonObject(with: Data(job.payload.utf8)) as? [String: Any])?["operation"]
            as? String
        let type: String
        switch (job.kind, operation) {
        case (BatchController.jobKind, "delete"): type = "batchDelete"
        case (BatchController.jobKind, "copy"): type = "batchCopy"
        case (BatchController.jobKind, _): type = "batchMove"
        case (RecycleController.restoreJobKind, _): type = "batchRestoreRecycle"
        default: type = job.kind
        }
        var status = job.status
        let result = job.result.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
        if status == 207, let items = result as? [[String: Any]],
            items.allSatisfy({ ($0["status"] as? Int ?? 500) >= 300 })
        {
            status = 400
        }
        var fields = [
            "\"taskId\":\"\(job.id)\"", "\"taskType\":\"\(type)\"", "\"status\":\(status)",
        ]
        if job.status == 200 || job.status == 207, let stored = job.result {
            let field = type.hasPrefix("batch") ? "\(type)Results" : "\(type)Result"
            fields.append("\"\(field)\":\(stored)")
        }
        return Response(
            status: .ok, headers: [.contentType: JSON.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: "{" + fields.joined(separator: ",") + "}")))
    }

    func answer(_ caller: Caller, space: SpaceID?, ids: [Int64]) async throws -> Response {
        let jobs = try await store.jobs(library: caller.library.id, space: space, ids: ids, now: access.clock.now())
        guard !jobs.isEmpty else { throw SMHError(.taskNotFound, "None of these tasks exists here.") }
        // The stored result is JSON already: the answer is assembled around it rather than re-encoded.
        let items = jobs.map { job -> String in
            var fields = ["\"id\":\(job.id)", "\"status\":\(job.status)", "\"taskId\":\(job.id)"]
            if job.status == 200 || job.status == 207, let result = job.result { fields.append("\"result\":\(result)") }
            return "{" + fields.joined(separator: ",") + "}"
        }
        return Response(
            status: .ok, headers: [.contentType: JSON.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: "[" + items.joined(separator: ",") + "]")))
    }
}
