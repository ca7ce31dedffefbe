/// The Recent API (spec 30 §7.1): the caller's recently previewed and modified files in a space, newest first.
public struct RecentService<Store: RecentStore & NamespaceStore & TokenStore & LibraryStore & SpaceStore>: Sendable {
    public let store: Store
    public let clock: any Clock

    public init(store: Store, clock: any Clock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    public struct Entry: Sendable {
        public let use: RecentUse
        public let path: [String]
        public let node: Node
    }

    /// A page of the list; entries whose file was deleted or recycled since are left out. The marker is
    /// `{time}-{inode}` of the last entry.
    public func list(
        _ caller: Caller, space spaceId: String, limit: Int?, marker: String?, action: String?,
        fileTypes: Set<String>? = nil
    ) async throws -> (entries: [Entry], nextMarker: String?) {
        let space = try await AccessService(store: store, clock: clock).space(
            spaceId, for: caller, operation: .readContent)
        let size = limit ?? 20
        guard (1...100).contains(size) else { throw SMHError(.paramInvalid, "limit must be 1 to 100.") }
        var filter: RecentUse.Action?
        if let action, !action.isEmpty {
            guard let known = RecentUse.Action(rawValue: action) else {
                throw SMHError(.paramInvalid, "filterActionBy must be preview or modify.")
            }
            filter = known
        }
        var after: (Int64, Int64)?
        if let marker, !marker.isEmpty {
            let parts = marker.split(separator: "-")
            guard parts.count == 2, let time = Int64(parts[0]), let inode = Int64(parts[1]) else {
                throw SMHError(.paramInvalid, "marker is not one this server gave.")
            }
            after = (time, inode)
        }
        var entries: [Entry] = []
        var next: String?
        // Uses of files gone since are skipped; read on until the page is full or the list ends.
        while entries.count < size {
            let wanted = size - entries.count
            let uses = try await store.recentUses(
                library: caller.library.id, space: space.id, userId: caller.userId, action: filter, after: after,
                limit: wanted)
            for use in uses {
                if let (path, node) = try await store.locate(use.inode, in: space), node.kind != .directory,
                    fileTypes.map({ $0.contains(FileKinds.fileType(of: node.name)) }) ?? true
                {
                    entries.append(Entry(use: use, path: path, node: node))
                }
                after = (use.at.milliseconds, use.inode.rawValue)
            }
            if uses.count < wanted { break }
        }
        if entries.count == size, let last = entries.last {
            next = "\(last.use.at.milliseconds)-\(last.use.inode.rawValue)"
        }
        return (entries, next)
    }
}
