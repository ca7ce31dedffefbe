/// Batch delete, copy and move (spec 30 §5): items run one after another, each on its own (no rollback of earlier
/// ones), each answered with its own status. Every item goes through the single-item use case, so the rules and
/// errors are exactly those of F-16/F-17/F-18 and D-05/D-06/D-08.
public struct BatchService<
    Store: NamespaceStore & QuotaStore & HistoryStore & TokenStore & LibraryStore & SpaceStore
>: Sendable {
    public let files: FileService<Store>
    public let directories: DirectoryService<Store>

    public init(files: FileService<Store>, directories: DirectoryService<Store>) {
        self.files = files
        self.directories = directories
    }

    public static var maxItems: Int { 1000 }

    public typealias Item = BatchItem

    public struct Outcome: Sendable {
        /// 200 / 204 on success (per operation, spec 30 B1–B3), else the error's status.
        public let status: Int
        public let path: [String]?
        public let recycledItemId: Int64?
        public let error: SMHError?
    }

    /// The request-level checks: a list of 1 … 1000 items, and some grant of the operation.
    public static func check(_ caller: Caller, _ items: [Item]) throws(SMHError) {
        guard !items.isEmpty else { throw SMHError(.noItemsProvided, "The list of items is empty.") }
        guard items.count <= maxItems else {
            throw SMHError(.tooManyItems, "At most \(maxItems) items at once.")
        }
        try requireSome(caller, for: items[0])
    }

    public func run(_ caller: Caller, space spaceId: String, items: [Item]) async throws -> [Outcome] {
        try Self.check(caller, items)
        var outcomes: [Outcome] = []
        for item in items {
            do {
                outcomes.append(try await run(caller, spaceId, item))
            } catch let error as SMHError {
                outcomes.append(Outcome(status: error.code.httpStatus, path: nil, recycledItemId: nil, error: error))
            }
        }
        return outcomes
    }

    /// A token holding none of the operation's grants is refused as a whole (spec 30 §5.0).
    static func requireSome(_ caller: Caller, for item: Item) throws(SMHError) {
        let candidates: [Operation]
        switch item {
        case .delete:
            candidates = [.deleteFile(permanent: false), .deleteDirectory(permanent: false)]
        case .copy: candidates = [.copyFile(overwrite: false), .copyDirectory]
        case .move: candidates = [.moveFile(overwrite: false), .moveDirectory]
        }
        for operation in candidates where (try? caller.require(operation)) != nil { return }
        throw SMHError(.noPermission, "This token may not do any of this batch's operations.")
    }

    func run(_ caller: Caller, _ spaceId: String, _ item: Item) async throws -> Outcome {
        switch item {
        case .delete(let path, let permanent):
            let (raw, isDirectory) = try await locate(caller, spaceId, path, missing: .fileNotFound)
            let recycled =
                isDirectory
                ? try await directories.delete(caller, space: spaceId, rawPath: raw, permanent: permanent)
                : try await files.delete(caller, space: spaceId, rawPath: raw, permanent: permanent)
            return Outcome(
                status: recycled == nil ? 204 : 200, path: try Self.components(path), recycledItemId: recycled,
                error: nil)
        case .copy(_, _, _, _, let fromLibrary?)
        where !fromLibrary.isEmpty && fromLibrary != caller.library.id.rawValue:
            throw SMHError(.noPermission, "Copies from another library's share are not supported here.")
        case .copy(let from, let to, let strategy, let fromSpace, _),
            .move(let from, let to, let strategy, let fromSpace):
            let isCopy = if case .copy = item { true } else { false }
            let sourceSpace = fromSpace.flatMap { $0.isEmpty ? nil : $0 } ?? spaceId
            let (_, isDirectory) = try await locate(caller, sourceSpace, from, missing: .sourceFileNotFound)
            let effective = try Self.strategy(strategy, directory: isDirectory)
            let target = try Self.rawTail(to)
            let path: [String]
            switch (isCopy, isDirectory) {
            case (true, true):
                // Inside a batch the copy is one item of the batch's own task or request: always in one piece.
                guard
                    case .done(let copied) = try await directories.copy(
                        caller, space: spaceId, rawPath: target, from: from, fromSpace: fromSpace,
                        strategy: effective)
                else { throw SMHError.internalError(BatchCopyReserved()) }
                path = copied
            case (true, false):
                path = try await files.copy(
                    caller, space: spaceId, rawPath: target, from: from, fromSpace: fromSpace, strategy: effective)
            case (false, true):
                path = try await directories.move(
                    caller, space: spaceId, rawPath: target, from: from, fromSpace: fromSpace, strategy: effective)
            case (false, false):
                path = try await files.move(
                    caller, space: spaceId, rawPath: target, from: from, fromSpace: fromSpace, strategy: effective)
            }
            return Outcome(status: effective == .rename ? 200 : 204, path: path, recycledItemId: nil, error: nil)
        }
    }

    /// The raw tail of a body path, and whether a directory is there.
    func locate(_ caller: Caller, _ spaceId: String, _ path: String, missing: SMHErrorCode) async throws -> (
        raw: Substring, isDirectory: Bool
    ) {
        let components = try Self.components(path)
        guard !components.isEmpty else {
            throw SMHError(.rootDirectoryNotAllowed, "The root directory cannot be an item of a batch.")
        }
        let raw = try Self.rawTail(path)
        do {
            let (_, node) = try await directories.info(caller, space: spaceId, rawPath: raw)
            return (raw, node.kind == .directory)
        } catch let error as SMHError where error.code == .pathNotFound {
            throw SMHError(missing, "Nothing exists at /\(components.joined(separator: "/")).")
        } catch let error as SMHError where error.code == .rootLinkFileNotFound {
            return (raw, false)  // a dangling link is still a link that can be deleted, moved or copied
        }
    }

    static func components(_ path: String) throws(SMHError) -> [String] {
        do {
            return try ItemPath.parse(bodyPath: path, leaf: .file).components
        } catch {
            throw SMHError(error.code, "\(path): \(error.message)")
        }
    }

    /// The body path as the raw, percent-encoded tail the single-item use cases decode.
    static func rawTail(_ path: String) throws(SMHError) -> Substring {
        Substring(try components(path).map { DownloadCapability.encodeName($0) }.joined(separator: "/"))
    }

    /// Defaults: `rename` for files, `ask` for directories; directories never overwrite (spec 30 §0.9).
    static func strategy(_ raw: String?, directory: Bool) throws(SMHError) -> ConflictStrategy {
        guard let raw, !raw.isEmpty else { return directory ? .ask : .rename }
        guard let strategy = ConflictStrategy(rawValue: raw), !(directory && strategy == .overwrite) else {
            throw SMHError(
                .invalidConflictResolutionStrategy,
                directory
                    ? "Directories take ask or rename." : "conflictResolutionStrategy is ask, rename or overwrite.")
        }
        return strategy
    }
}

struct BatchCopyReserved: Error, CustomStringConvertible {
    var description: String { "a batch copy was split into a task" }
}

/// One item of a batch (spec 30 B1–B3), as parsed from the request; Codable, so a batch run as a task stores it.
public enum BatchItem: Sendable, Codable, Equatable {
    case delete(path: String, permanent: Bool)
    /// `fromSpace`: the source's space when it is not the batch's own (spec 30 B2 `copyFromSpaceId`).
    /// `fromLibrary`: saving from another library's share (P2), refused.
    case copy(from: String, to: String, strategy: String?, fromSpace: String? = nil, fromLibrary: String? = nil)
    /// `fromSpace`: spec 30 B3 `fromSpaceId`.
    case move(from: String, to: String, strategy: String?, fromSpace: String? = nil)
}
