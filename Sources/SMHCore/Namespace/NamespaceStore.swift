/// Persistence of the tree of a space. Every mutating method is one transaction; name conflicts are decided inside
/// it, against the unique index on live names, so concurrent requests cannot both win a name.
public protocol NamespaceStore: Sendable {
    /// Entries, bytes and history under an anchor; cost proportional to the entries walked (one recursive query).
    func subtreeStats(_ anchor: StatsAnchor) async throws -> SubtreeStats
    /// The live node at `path` (the root node for the empty path), or nil.
    func node(in space: Space, at path: ItemPath) async throws -> Node?

    /// Creates the directory and any missing parents. The strategy applies to the last component only; an existing
    /// file anywhere on the way is a conflict whatever the strategy. Returns the final path and the new node.
    func createDirectory(
        in space: Space, at path: ItemPath, strategy: ConflictStrategy, userId: String, maxNameLength: Int,
        at time: Timestamp
    ) async throws -> (path: [String], node: Node)

    /// Moves (and renames) a live node to `path`; missing parents are created for directories (D-05), refused for
    /// files (F-17). The strategy applies to the last component; `overwrite` (files only) deletes the replaced file
    /// as F-16 would, into the recycle bin when `recycleReplaced`. A directory cannot move below itself. Returns the
    /// final path. The inode is kept, so links and favorites follow.
    /// Moves a node (with its subtree) to `path` in `space`; from another space (`source`), the subtree changes
    /// space with its recycled items, history and the bytes they count.
    func move(
        _ node: Node, from source: Space, in space: Space, to path: ItemPath, strategy: ConflictStrategy,
        createParents: Bool,
        recycleReplaced: Bool, userId: String, maxNameLength: Int, at time: Timestamp
    ) async throws -> [String]

    /// Copies a file to `path` (parent must exist) sharing its content: a new inode, one more blob reference, the
    /// size charged to the space. `overwrite` deletes a replaced file as F-16 would.
    func copyFile(
        _ node: Node, in space: Space, to path: ItemPath, strategy: ConflictStrategy, recycleReplaced: Bool,
        userId: String, maxNameLength: Int, at time: Timestamp
    ) async throws -> [String]

    /// The current path of a live node of the space, or nil when it is unknown, elsewhere, or recycled (itself or an
    /// ancestor).
    func locate(_ inode: Inode, in space: Space) async throws -> (path: [String], node: Node)?

    /// Copies a directory with everything in it to `path` (missing parents created; the strategy applies to the last
    /// component): new inodes, shared file content, the bytes charged to the space. Returns the final path.
    func copyDirectory(
        _ node: Node, in space: Space, to path: ItemPath, strategy: ConflictStrategy, userId: String,
        maxNameLength: Int, at time: Timestamp
    ) async throws -> [String]

    /// Replaces what is given of a node's labels, category, metadata and local times, without touching its times or
    /// eTag.
    func updateDescription(
        _ node: Inode, labels: [String]?, category: String?, metaData: [String: String]?, localTimes: LocalTimes
    ) async throws

    /// A live node of the space by inode, wherever it is (its ancestors are not checked: a link into a directory
    /// that went to the recycle bin keeps working, spec 20 F-19 rule 5).
    func liveNode(_ inode: Inode, in space: Space) async throws -> Node?

    /// F-19: creates a link at `path` (parent must exist) pointing at `target`. `chain` is every inode the target
    /// leads through, itself first: `overwrite` may not replace one of them (a file there is the link's own target,
    /// `SymlinkOverwriteConflict`; a link there would close a loop, `CircleSymlink`). Overwriting another link
    /// re-points it in place (its inode, and so the links to it, stay); overwriting a file deletes it as F-16 would.
    func createSymlink(
        in space: Space, at path: ItemPath, target: Inode, chain: [Inode], strategy: ConflictStrategy,
        recycleReplaced: Bool, userId: String, maxNameLength: Int, at time: Timestamp
    ) async throws -> [String]

    /// One page of the live children of a directory, in the query's order. Marker paging fetches `limit + 1` rows
    /// so the caller can tell whether another page exists.
    func children(of directory: Inode, query: ListingQuery, mediaOrder: Bool) async throws -> [Node]

    /// The first half of a copy made as a task: the target directory, created under the strategy (conflicts are
    /// decided now), with the source's labels. Returns its final path and inode.
    func reserveDirectoryCopy(
        _ node: Node, in space: Space, to path: ItemPath, strategy: ConflictStrategy, userId: String,
        maxNameLength: Int, at time: Timestamp
    ) async throws -> (path: [String], root: Inode)

    /// The second half: everything below `source` copied into `target`, in one transaction.
    func copyDirectoryContents(
        from source: Inode, into target: Inode, in space: Space, userId: String, at time: Timestamp)
        async throws

    /// Live entries below a directory (what decides whether its copy runs as a task).
    func entryCount(under directory: Inode) async throws -> Int

    /// Bytes of the files below a directory (what copying it would add to the space).
    func contentBytes(under directory: Inode) async throws -> Int64

    /// Live direct children: non-directories and directories, as of the directory's `updatedAt` (read just before).
    func childCounts(of directory: Node) async throws -> (files: Int, directories: Int)

    /// Takes a subtree out of the namespace in one transaction: into the recycle bin (returning the recycle item id,
    /// O(1) whatever the size), or deleted for good, releasing its blobs.
    func removeSubtree(
        _ node: Node, in space: Space, path: ItemPath, recycle: Bool, userId: String, at time: Timestamp
    ) async throws -> Int64?
}
