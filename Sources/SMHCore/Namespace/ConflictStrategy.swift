/// What to do when a name is taken (spec 10 §1.13, spec 20 §1.7).
public enum ConflictStrategy: String, Sendable, Hashable {
    case ask
    case rename
    case overwrite

    /// Whether the strategy applies to a directory or a file endpoint: their defaults differ, and directories never
    /// overwrite.
    public enum Target: Sendable {
        case directory
        case file
    }

    /// Reads `conflict_resolution_strategy` (or its iOS alias `conflict-resolution-strategy`), falling back to the
    /// legacy `force` flag on file endpoints (`1` = overwrite, `0` = rename), then to the endpoint's default.
    public static func parse(_ query: QueryParameters, for target: Target) throws(SMHError) -> ConflictStrategy {
        let raw = query["conflict_resolution_strategy"] ?? query["conflict-resolution-strategy"]
        guard let raw else {
            if target == .file, let force = query["force"] {
                switch force.lowercased() {
                case "1", "true": return .overwrite
                case "0", "false": return .rename
                default: throw SMHError(.paramInvalid, "force must be 1 or 0.")
                }
            }
            return target == .file ? .rename : .ask
        }
        guard let strategy = ConflictStrategy(rawValue: raw), target == .file || strategy != .overwrite else {
            throw SMHError(
                .invalidConflictResolutionStrategy,
                target == .file
                    ? "conflict_resolution_strategy must be ask, rename or overwrite."
                    : "conflict_resolution_strategy must be ask or rename for directories.")
        }
        return strategy
    }
}
