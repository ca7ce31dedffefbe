import Foundation
import SMHCore
import SQLKit

/// Copies (spec 20 F-18, D-06): new inodes, shared blobs, the bytes charged to the space.
extension SQLStore {
    public func copyFile(
        _ node: Node, in space: Space, to path: ItemPath, strategy: ConflictStrategy, recycleReplaced: Bool,
        userId: String, maxNameLength: Int, at time: Timestamp
    ) async throws -> [String] {
        guard let wanted = path.name, let parentPath = path.parent, node.kind != .directory else {
            throw SMHError(.invalidSourceFile, "Only files and links can be copied here.")
        }
        let retentionDays = try await recycleRetentionDays(space)
        let meta = try Self.encodeJSON(node.metaData)
        return try await transaction { db in
            guard let parent = try await NodeRows.resolve(db, space: space, path: parentPath), parent.kind == .directory
            else {
                throw SMHError(.directoryNotFound, "Directory /\(parentPath) does not exist.")
            }
            // A file's copy shares the blob: one more reference, no bytes copied. A link's copy is a new link to the
            // same target (spec 20 F-18).
            var digest: ContentDigest?
            if node.kind == .file {
                guard let sha = node.blobSha256, let found = try await BlobRows.digest(db, sha256: sha) else {
                    throw SMHError(.sourceFileNotFound, "The content of the source is gone.")
                }
                try await BlobRows.retain(db, found, at: time)
                digest = found
            }
            var conflict = NameConflict(
                strategy, wanted: wanted, incomingIsDirectory: false, maxNameLength: maxNameLength)
            let (name, created) = try await Self.placeEntry(db, in: parent.inode, &conflict) { name in
                if let digest {
                    return try await NodeRows.insertFile(
                        db, space: space, parent: parent.inode, name: name, content: digest,
                        contentType: node.contentType, meta: meta, userId: userId, at: time)
                }
                guard let target = node.linkTarget else {
                    throw SMHError(.sourceFileNotFound, "The source link has no target.")
                }
                return try await NodeRows.insertSymlink(
                    db, space: space, parent: parent.inode, name: name, target: target, userId: userId, at: time)
            } replace: { existing in
                try await Self.removeReplaced(
                    db, existing, by: node, in: space, under: parentPath, recycle: recycleReplaced,
                    retentionDays: retentionDays, userId: userId, at: time)
            }
            try await NodeRows.copyDescriptiveFields(db, from: node.inode, to: created.inode)
            try await NodeRows.copyMetaData(db, from: node.inode, to: created.inode)
            try await SpaceRows.charge(db, library: space.libraryId, space: space.id, bytes: digest?.size ?? 0)
            try await NodeRows.touch(db, parent.inode, at: time)
            return parentPath.components + [name]
        }
    }

    public func copyDirectory(
        _ node: Node, in space: Space, to path: ItemPath, strategy: ConflictStrategy, userId: String,
        maxNameLength: Int, at time: Timestamp
    ) async throws -> [String] {
        try await transaction { db in
            let (finalPath, root) = try await Self.reserveCopy(
                db, node, in: space, to: path, strategy: strategy, userId: userId, maxNameLength: maxNameLength,
                at: time)
            try await Self.copyContents(db, from: node.inode, into: root, in: space, userId: userId, at: time)
            return finalPath
        }
    }

    public func reserveDirectoryCopy(
        _ node: Node, in space: Space, to path: ItemPath, strategy: ConflictStrategy, userId: String,
        maxNameLength: Int, at time: Timestamp
    ) async throws -> (path: [String], root: Inode) {
        try await transaction { db in
            try await Self.reserveCopy(
                db, node, in: space, to: path, strategy: strategy, userId: userId, maxNameLength: maxNameLength,
                at: time)
        }
    }

    public func copyDirectoryContents(
        from source: Inode, into target: Inode, in space: Space, userId: String, at time: Timestamp
    ) async throws {
        try await transaction { db in
            guard try await NodeRows.byId(db, target)?.kind == .directory else {
                throw SMHError(.directoryNotFound, "The copy's target directory is gone.")
            }
            try await Self.copyContents(db, from: source, into: target, in: space, userId: userId, at: time)
        }
    }

    /// Creates the copy's root directory under the strategy (the conflict is decided here, before any content).
    static func reserveCopy(
        _ db: any SQLDatabase, _ node: Node, in space: Space, to path: ItemPath, strategy: ConflictStrategy,
        userId: String, maxNameLength: Int, at time: Timestamp
    ) async throws -> (path: [String], root: Inode) {
        guard let wanted = path.name, let parentPath = path.parent else {
            throw SMHError(.invalidDestinationPath, "The destination cannot be the root directory.")
        }
        let parent = try await NodeRows.ensureDirectories(
            db, space: space, path: parentPath, userId: userId, at: time)
        if try await NodeRows.isInside(db, parent, subtreeOf: node.inode) {
            throw SMHError(.sourceDirectoryIsParentOfDestination, "A directory cannot be copied into itself.")
        }
        var conflict = NameConflict(
            strategy, wanted: wanted, incomingIsDirectory: true, maxNameLength: maxNameLength,
            replaceable: NameConflict.nothing)
        let (name, copyRoot) = try await placeEntry(db, in: parent, &conflict) { name in
            try await NodeRows.insertDirectory(db, space: space, parent: parent, name: name, userId: userId, at: time)
        }
        try await NodeRows.touch(db, parent, at: time)
        try await NodeRows.copyDescriptiveFields(db, from: node.inode, to: copyRoot.inode)
        return (parentPath.components + [name], copyRoot.inode)
    }

    /// Copies what is below `source` into `target`: new inodes, shared blobs, links to the same targets; the bytes
    /// charged to the space.
    static func copyContents(
        _ db: any SQLDatabase, from source: Inode, into target: Inode, in space: Space, userId: String,
        at time: Timestamp
    ) async throws {
        let copyRootInode = target
        // Across spaces (D-07, batch copies) links are copied as the files they lead to: links resolve within their
        // own space, so a copied link would point into the other space and dangle.
        let acrossSpaces =
            try await db.raw(
                """
                SELECT 1 AS found FROM nodes WHERE id = \(bind: source.rawValue)
                    AND (library_id <> \(bind: space.libraryId.rawValue) OR space_id <> \(bind: space.id.rawValue))
                """
            ).first() != nil
        // Breadth first, one directory's children at a time: memory is bounded by the widest directory's page.
        var pending: [(source: Inode, target: Inode)] = [(source, copyRootInode)]
        var copiedBytes: Int64 = 0
        while let (source, target) = pending.popLast() {
            let children = try await db.raw(
                "SELECT * FROM nodes WHERE parent_id = \(bind: source.rawValue) AND state = 'live' ORDER BY id"
            ).all().map(NodeRows.decode)
            for child in children {
                switch child.kind {
                case .directory:
                    guard
                        let copy = try await NodeRows.insertDirectory(
                            db, space: space, parent: target, name: child.name, userId: userId, at: time)
                    else { throw SMHError(.pathConflict, "The copy changed while it was being made.") }
                    try await NodeRows.copyDescriptiveFields(db, from: child.inode, to: copy.inode)
                    pending.append((child.inode, copy.inode))
                case .file,
                    .symlink where acrossSpaces:
                    var file = child
                    if child.kind == .symlink {
                        guard let last = try await NodeRows.linkChain(db, from: child).last,
                            let resolved = try await NodeRows.byId(db, last), resolved.kind == .file
                        else { continue }
                        file = resolved
                    }
                    guard let sha = file.blobSha256, let digest = try await BlobRows.digest(db, sha256: sha) else {
                        continue
                    }
                    try await BlobRows.retain(db, digest, at: time)
                    guard
                        let copy = try await NodeRows.insertFile(
                            db, space: space, parent: target, name: child.name, content: digest,
                            contentType: file.contentType, meta: try Self.encodeJSON(file.metaData),
                            userId: userId,
                            at: time)
                    else { throw SMHError(.pathConflict, "The copy changed while it was being made.") }
                    try await NodeRows.copyDescriptiveFields(db, from: file.inode, to: copy.inode)
                    copiedBytes += digest.size
                case .symlink:
                    // Copied links point at the same targets as the originals (spec 20 D-06).
                    guard let linkTarget = child.linkTarget,
                        let copy = try await NodeRows.insertSymlink(
                            db, space: space, parent: target, name: child.name, target: linkTarget,
                            userId: userId, at: time)
                    else { throw SMHError(.pathConflict, "The copy changed while it was being made.") }
                    try await NodeRows.copyDescriptiveFields(db, from: child.inode, to: copy.inode)
                    try await NodeRows.copyMetaData(db, from: child.inode, to: copy.inode)
                }
            }
        }
        if copiedBytes > 0 {
            try await SpaceRows.charge(db, library: space.libraryId, space: space.id, bytes: copiedBytes)
        }
    }
}
