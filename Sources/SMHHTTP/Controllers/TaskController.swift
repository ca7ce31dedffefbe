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
    /// the field its type names (spec 30 T3).
    func answerV2(_ caller: Caller, space: SpaceID?, id raw: String) async throws -> Response {
        guard let id = Int64(raw), id > 0 else { throw SMHError(.paramInvalid, "The task id is a positive integer.") }
        let jobs = try await store.jobs(library: caller.library.id, space: space, ids: [id], now: access.clock.now())
        guard let job = jobs.first else { throw SMHError(.taskNotFound, "Task \(id) does not exist here.") }
        let type = (try? TaskRegistry.parameters(of: job))?.type ?? TaskType(kind: job.kind, operation: nil)
        let result = Self.result(of: job)
        var status = job.status
        if status == 207, case .array(let items)? = result, items.allSatisfy({ Self.itemStatus($0) >= 300 }) {
            status = 400
        }
        return JSON.response(TaskV2Wire(taskId: String(job.id), type: type, status: status, result: result))
    }

    func answer(_ caller: Caller, space: SpaceID?, ids: [Int64]) async throws -> Response {
        let jobs = try await store.jobs(library: caller.library.id, space: space, ids: ids, now: access.clock.now())
        guard !jobs.isEmpty else { throw SMHError(.taskNotFound, "None of these tasks exists here.") }
        return JSON.response(
            jobs.map { TaskWire(id: $0.id, status: $0.status, taskId: $0.id, result: Self.result(of: $0)) })
    }

    /// The stored result of a finished task (200 or 207), as the JSON it was stored as.
    static func result(of job: Job) -> AnyJSON? {
        guard job.status == 200 || job.status == 207, let stored = job.result else { return nil }
        return try? JSONDecoder().decode(AnyJSON.self, from: Data(stored.utf8))
    }

    static func itemStatus(_ item: AnyJSON) -> Int64 {
        guard case .object(let fields) = item, case .int(let status)? = fields["status"] else { return 500 }
        return status
    }

    /// T1/T2's element: `id` and `taskId` both (SDKs read either), the status, the result once finished.
    struct TaskWire: Encodable {
        let id: Int64
        let status: Int
        let taskId: Int64
        let result: AnyJSON?

        // Synthesized: a nil result is left out (encodeIfPresent).
    }

    /// T3/T4's answer; the result's field is named after the task type.
    struct TaskV2Wire: Encodable {
        let taskId: String
        let type: TaskType
        let status: Int
        let result: AnyJSON?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: AnyKey.self)
            try c.encode(taskId, forKey: AnyKey("taskId"))
            try c.encode(type.name, forKey: AnyKey("taskType"))
            try c.encode(status, forKey: AnyKey("status"))
            if let result { try c.encode(result, forKey: AnyKey(type.resultField)) }
        }
    }
}
