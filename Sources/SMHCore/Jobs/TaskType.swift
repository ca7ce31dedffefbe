/// What a task is, in the v2 vocabulary of the Query Task API (spec 30 T3): the kind it was queued as, and for
/// batches the operation. A large directory copy, which the v2 vocabulary does not name, is `copyDirectory`.
public enum TaskType: Sendable, Equatable {
    case batchDelete, batchCopy, batchMove, batchRestoreRecycle
    case other(String)

    /// Job kinds as the stores record them.
    public static let batchKind = "batch"
    public static let restoreKind = "restoreRecycled"

    public init(kind: String, operation: String?) {
        switch (kind, operation) {
        case (Self.batchKind, "delete"): self = .batchDelete
        case (Self.batchKind, "copy"): self = .batchCopy
        case (Self.batchKind, _): self = .batchMove
        case (Self.restoreKind, _): self = .batchRestoreRecycle
        default: self = .other(kind)
        }
    }

    public var name: String {
        switch self {
        case .batchDelete: return "batchDelete"
        case .batchCopy: return "batchCopy"
        case .batchMove: return "batchMove"
        case .batchRestoreRecycle: return "batchRestoreRecycle"
        case .other(let kind): return kind
        }
    }

    /// The field the v2 answer puts the result under: `…Results` for batches, `…Result` otherwise.
    public var resultField: String {
        switch self {
        case .other: return name + "Result"
        default: return name + "Results"
        }
    }
}
