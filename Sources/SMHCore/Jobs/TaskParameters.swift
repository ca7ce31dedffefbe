import Foundation

/// Who asked for a task: a snapshot of the caller's identity and grants, checked again item by item when it runs.
public struct TaskRequester: Codable, Sendable, Equatable {
    public let userId: String
    public let grants: [String]
    /// Nil: every space.
    public let spaces: [String]?

    public init(_ caller: Caller) {
        userId = caller.userId
        grants = caller.token.grants.map(\.rawValue).sorted()
        switch caller.token.spaceScope {
        case .all: spaces = nil
        case .only(let ids): spaces = ids.map(\.rawValue).sorted()
        }
    }

    /// The caller the task runs as: the requester's grants and spaces, never renewed.
    public func caller(in library: Library, now: Timestamp) -> Caller {
        let token = AccessToken(
            tokenHash: "", libraryId: library.id,
            spaceScope: spaces.map { .only(Set($0.map { SpaceID($0) })) } ?? .all, userId: userId, clientId: "",
            sessionId: "", grants: Set(grants.compactMap(Grant.init(rawValue:))), period: 0,
            expiresAt: now.adding(seconds: 3600), createdAt: now)
        return Caller(library: library, token: token, userId: userId, renewable: false)
    }
}

/// A task's typed parameters, one case per kind (spec 30 §2): what the jobs table stores as the payload, as JSON of
/// this value. The kind is derived, so a payload and its kind cannot disagree.
public enum TaskParameters: Codable, Sendable, Equatable {
    /// B1–B3 above the synchronous limit: `operation` is `delete`, `copy` or `move`.
    case batch(operation: String, items: [BatchItem], requester: TaskRequester)
    /// R5 above the synchronous limit.
    case restore(ids: [Int64], fallbackToRoot: Bool, requester: TaskRequester)
    /// D-06/D-07 above the copy limit: the reserved `target` is filled from `source`; the result is `path`.
    case copyDirectory(source: Int64, target: Int64, path: [String], userId: String)
    /// H3.
    case emptyHistory
    /// D-11: nothing to do (statistics are exact), a task so that the documented flow works.
    case calibrate

    /// Every kind a task can have.
    public static let kinds = [
        TaskType.batchKind, TaskType.restoreKind, "copyDirectory", "emptyHistory", "calibrateStats",
    ]

    public var kind: String {
        switch self {
        case .batch: return TaskType.batchKind
        case .restore: return TaskType.restoreKind
        case .copyDirectory: return "copyDirectory"
        case .emptyHistory: return "emptyHistory"
        case .calibrate: return "calibrateStats"
        }
    }

    public var type: TaskType {
        switch self {
        case .batch(let operation, _, _): return TaskType(kind: kind, operation: operation)
        default: return TaskType(kind: kind, operation: nil)
        }
    }

    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// A job's parameters, as `encoded()` stored them.
    public static func of(_ job: Job) throws -> TaskParameters {
        try JSONDecoder().decode(TaskParameters.self, from: Data(job.payload.utf8))
    }
}

extension TaskRequester {
    /// The requester of a task stored in the format before typed parameters.
    public init(userId: String, grants: [String], spaces: [String]?) {
        self.userId = userId
        self.grants = grants
        self.spaces = spaces
    }
}
