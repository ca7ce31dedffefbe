import Foundation
import Hummingbird
import SMHCore
import SMHStoreSQL

/// The Query Task API (spec 30 T1, T2): `taskId` and `id` both carried, one element per known task, in order.
struct TaskController {
    let access: AccessService<SQLStore>
    let store: SQLStore

    func register(on router: Router<SMHRequestContext>) {
        router.get("/api/v1/task/:libraryId/:spaceId/:ids", use: spaceTasks)
        // T2's id list sits where T1 has the space id: Hummingbird wants one parameter name per position.
        router.get("/api/v1/task/:libraryId/:spaceId", use: libraryTasks)
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
        return try await asCaller(access, input, library: input.parameter("libraryId")) { caller in
            let space = try await access.space(input.parameter("spaceId"), for: caller, operation: .read)
            return try await answer(caller, space: space.id, ids: try Self.ids(input.parameter("ids")))
        }
    }

    @Sendable func libraryTasks(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        return try await asCaller(access, input, library: input.parameter("libraryId")) { caller in
            try caller.requireCredentials()
            return try await answer(caller, space: nil, ids: try Self.ids(input.parameter("spaceId")))
        }
    }

    func answer(_ caller: Caller, space: SpaceID?, ids: [Int64]) async throws -> Response {
        let jobs = try await store.jobs(library: caller.library.id, space: space, ids: ids, now: SystemClock().now())
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
