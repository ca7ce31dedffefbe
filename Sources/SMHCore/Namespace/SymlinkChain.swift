/// Following symbolic links (spec 20 F-19, §3): links point at inodes, may point at links, and resolve to a file.
public enum SymlinkChain {
    /// The longest chain of links a read follows (spec 20 F-19: "exceeds 8").
    public static let maxLinks = 8

    /// Follows `start` through links to the file they end at. `links` lists the links passed through, `start` first
    /// when it is one. A link whose target is gone (or is not a file) is `404 RootLinkFileNotFound`, a loop
    /// `409 CircleSymlink`, more than `maxLinks` links `400 SymlinkDepthLimitExceeded`.
    public static func resolve(
        _ start: Node, load: (Inode) async throws -> Node?
    ) async throws -> (file: Node, links: [Inode]) {
        var current = start
        var links: [Inode] = []
        while current.kind == .symlink {
            guard !links.contains(current.inode) else {
                throw SMHError(.circleSymlink, "The symbolic link '\(start.name)' leads into a loop.")
            }
            links.append(current.inode)
            guard links.count <= maxLinks else {
                throw SMHError(
                    .symlinkDepthLimitExceeded, "The symbolic link '\(start.name)' passes more than \(maxLinks) links.")
            }
            guard let target = current.linkTarget, let next = try await load(target) else {
                throw SMHError(.rootLinkFileNotFound, "The target of the symbolic link '\(start.name)' is gone.")
            }
            current = next
        }
        guard current.kind == .file else {
            throw SMHError(.rootLinkFileNotFound, "The symbolic link '\(start.name)' does not lead to a file.")
        }
        return (current, links)
    }
}

extension Node {
    /// A link as clients see it: its own name, times, labels and metadata, with the content attributes of the file
    /// it resolves to (spec 20 F-19 rule 8).
    public func presenting(contentOf file: Node) -> Node {
        Node(
            inode: inode, parent: parent, name: name, kind: kind, size: file.size, contentType: file.contentType,
            crc64: file.crc64, eTag: file.eTag, labels: labels, category: category, blobSha256: file.blobSha256,
            metaData: metaData, creatorUserId: creatorUserId, createdAt: createdAt, updatedAt: updatedAt,
            linkTarget: linkTarget, localTimes: localTimes)
    }
}

extension NamespaceStore {
    /// Resolves a link within its space (see `SymlinkChain.resolve`).
    public func resolveLink(_ node: Node, in space: Space) async throws -> (file: Node, links: [Inode]) {
        try await SymlinkChain.resolve(node) { try await liveNode($0, in: space) }
    }

    /// A listed link carries its file's content attributes; a dangling or broken one is listed as it is.
    public func presentingLink(_ node: Node, in space: Space) async throws -> Node {
        guard node.kind == .symlink else { return node }
        do {
            return node.presenting(contentOf: try await resolveLink(node, in: space).file)
        } catch is SMHError {
            return node
        }
    }
}
