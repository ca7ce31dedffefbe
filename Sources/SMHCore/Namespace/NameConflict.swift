/// The one rule for a taken name (spec 10 §1.13, spec 20 §1.7), decided here for every operation that puts an entry
/// at a name — uploads, new directories, copies, moves, links and restores: `ask` refuses with
/// `409 SameNameDirectoryOrFileExists`; `rename` tries `name (1).ext`, `name (2).ext`, … up to
/// `ConflictRenaming.maxAttempts`, then `409 RenameTooManyTimes`; `overwrite` replaces what the operation may replace
/// (its `replaceable` rule says which kinds, and with which error it refuses the others).
///
/// The store offers the two moves inside its transaction — insert at a name if it is free, replace an existing
/// entry — and asks this value what to do each time a name is taken (`SQLStore.placeEntry`).
public struct NameConflict: Sendable {
    public enum Decision: Sendable, Equatable {
        /// Overwrite: replace the existing entry, then place at the same name.
        case replace
        /// Rename: try this name next.
        case tryName(String)
    }

    public let strategy: ConflictStrategy
    public let wanted: String
    /// Whether the entry being placed is a directory: its renamed names carry the counter at the very end.
    public let incomingIsDirectory: Bool
    public let maxNameLength: Int
    /// For `overwrite`: nil when an existing entry of this kind may be replaced, else the refusal.
    public let replaceable: @Sendable (Node.Kind) -> SMHError?
    /// The name to try now.
    public private(set) var name: String
    private var renames = 0
    private var retries = 0

    public init(
        _ strategy: ConflictStrategy, wanted: String, incomingIsDirectory: Bool, maxNameLength: Int,
        replaceable: @escaping @Sendable (Node.Kind) -> SMHError? = NameConflict.onlyFilesAndLinks
    ) {
        self.strategy = strategy
        self.wanted = wanted
        self.incomingIsDirectory = incomingIsDirectory
        self.maxNameLength = maxNameLength
        self.replaceable = replaceable
        self.name = wanted
    }

    /// The common `overwrite` rule: files and links may be replaced, directories never (spec 20 F-17).
    public static let onlyFilesAndLinks: @Sendable (Node.Kind) -> SMHError? = { kind in
        kind == .directory ? SMHError(.sameNameDirectoryOrFileExists, "A directory cannot be overwritten.") : nil
    }

    /// For operations that never overwrite (copying or restoring a directory, new directories).
    public static let nothing: @Sendable (Node.Kind) -> SMHError? = { _ in
        SMHError(.sameNameDirectoryOrFileExists, "An existing entry cannot be overwritten by a directory.")
    }

    /// `name` is taken by an entry of `kind`: what now.
    public mutating func taken(by kind: Node.Kind) throws(SMHError) -> Decision {
        switch strategy {
        case .ask:
            throw SMHError(.sameNameDirectoryOrFileExists, "'\(name)' already exists.")
        case .overwrite:
            if let refusal = replaceable(kind) { throw refusal }
            try retry()
            return .replace
        case .rename:
            renames += 1
            guard renames <= ConflictRenaming.maxAttempts else {
                throw SMHError(.renameTooManyTimes, "No free name for '\(wanted)'.")
            }
            name = ConflictRenaming.candidate(
                for: wanted, attempt: renames, isDirectory: incomingIsDirectory, maxLength: maxNameLength)
            return .tryName(name)
        }
    }

    /// The same name is tried again (its entry vanished between the insert and the look-up, or was just replaced):
    /// a bounded number of times, so a name that keeps changing ends in `409 PathConflict`.
    public mutating func retry() throws(SMHError) {
        retries += 1
        guard retries <= ConflictRenaming.maxAttempts else {
            throw SMHError(.pathConflict, "'\(name)' keeps changing; try again.")
        }
    }
}
