import Foundation
import SMHCore

/// The task registry: what runs each kind of task. `TaskParameters` names the kind and the switch is exhaustive, so
/// a kind cannot be queued without a handler. Handlers call the core services through the controllers' shared code
/// and answer the task's result in the form of the synchronous answer, encoded here by the wire layer.
struct TaskRegistry: Sendable {
    let batch: BatchController
    let directories: DirectoryController
    let recycle: RecycleController
    let history: HistoryController

    func run(_ job: Job) async throws -> (status: Int, result: String?) {
        let (status, result): (Int, AnyJSON?)
        switch try Self.parameters(of: job) {
        case .batch(let operation, let items, let requester):
            (status, result) = try await batch.runTask(
                operation: operation, items: items, requester: requester, job: job)
        case .restore(let ids, let fallbackToRoot, let requester):
            (status, result) = try await recycle.runTask(
                ids: ids, fallbackToRoot: fallbackToRoot, requester: requester, job: job)
        case .copyDirectory(let source, let target, let path, let userId):
            (status, result) = try await directories.runCopyTask(
                source: source, target: target, path: path, userId: userId, job: job)
        case .emptyHistory:
            (status, result) = try await history.runEmptyTask(job: job)
        case .calibrate:
            (status, result) = (200, nil)
        }
        return (status, try result.map(Self.stored))
    }

    static func stored(_ result: AnyJSON) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(result), as: UTF8.self)
    }

    /// The typed parameters, or those of a task queued before they existed (an operation and its request body as a
    /// string, beside the requester), so an upgrade does not fail tasks waiting in the queue.
    static func parameters(of job: Job) throws -> TaskParameters {
        if let parameters = try? TaskParameters.of(job) { return parameters }
        let old = try JSONDecoder().decode(LegacyPayload.self, from: Data(job.payload.utf8))
        let requester = TaskRequester(userId: old.userId ?? "", grants: old.grants ?? [], spaces: old.spaces)
        switch job.kind {
        case TaskType.batchKind:
            let operation = old.operation ?? "move"
            let decoded = try BatchController.decode(
                operation, Array((old.body ?? "[]").utf8), spaceId: job.spaceId?.rawValue ?? "")
            return .batch(operation: operation, items: decoded.items, requester: requester)
        case TaskType.restoreKind:
            let body = try JSONDecoder().decode(LegacyPayload.Restore.self, from: Data((old.body ?? "{}").utf8))
            return .restore(ids: body.ids, fallbackToRoot: body.fallbackToRoot, requester: requester)
        case "copyDirectory":
            guard let source = old.source, let target = old.target else {
                throw SMHError(.paramInvalid, "A copy task without its source and target.")
            }
            return .copyDirectory(source: source, target: target, path: old.path ?? [], userId: old.userId ?? "")
        case "emptyHistory":
            return .emptyHistory
        default:
            return .calibrate
        }
    }

    /// The payload format before typed parameters (one release back).
    struct LegacyPayload: Decodable {
        let operation: String?
        let body: String?
        let userId: String?
        let grants: [String]?
        let spaces: [String]?
        let source: Int64?
        let target: Int64?
        let path: [String]?

        struct Restore: Decodable {
            let ids: [Int64]
            let fallbackToRoot: Bool
        }
    }
}
