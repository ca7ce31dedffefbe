import Foundation
import SMHCore
import SQLKit

/// Symbolic links (spec 20 F-19) and what `overwrite` may replace.
extension SQLStore {
    public func liveNode(_ inode: Inode, in space: Space) async throws -> Node? {
        try await read { db in
            try await db.raw(
                """
                SELECT * FROM nodes WHERE id = \(bind: inode.rawValue) AND state = 'live'
                AND library_id = \(bind: space.libraryId.rawValue) AND space_id = \(bind: space.id.rawValue)
                """
            ).first().map(NodeRows.decode)
        }
    }

    public func createSymlink(
        in space: Space, at path: ItemPath, target: Inode, chain: [Inode], strategy: ConflictStrategy,
        recycleReplaced: Bool, userId: String, maxNameLength: Int, at time: Timestamp
    ) async throws -> [String] {
        guard let wanted = path.name, let parentPath = path.parent else {
            throw SMHError(.emptyFileName, "The link name is empty.")
        }
        let retentionDays = try await recycleRetentionDays(space)
        return try await transaction { db in
            guard let parent = try await NodeRows.resolve(db, space: space, path: parentPath), parent.kind == .directory
            else {
                throw SMHError(.directoryNotFound, "Directory /\(parentPath) does not exist.")
            }
            guard let targetNode = try await NodeRows.byId(db, target), targetNode.kind != .directory else {
                throw SMHError(.sourceFileNotFound, "The link target no longer exists.")
            }
            // Overwriting a file replaces it; overwriting a link re-points it in place, so the links that lead to it
            // follow. Neither may be on the new link's own chain.
            var conflict = NameConflict(
                strategy, wanted: wanted, incomingIsDirectory: false, maxNameLength: maxNameLength)
            let (name, _) = try await Self.placeEntry(db, in: parent.inode, &conflict) { name in
                try await NodeRows.insertSymlink(
                    db, space: space, parent: parent.inode, name: name, target: target, userId: userId, at: time)
            } replace: { existing -> Node? in
                if existing.kind == .symlink {
                    guard !chain.contains(existing.inode) else {
                        throw SMHError(.circleSymlink, "Pointing '\(existing.name)' there would make a loop of links.")
                    }
                    try await db.raw(
                        """
                        UPDATE nodes SET link_target_id = \(bind: target.rawValue), updated_at = \(bind: time.milliseconds)
                        WHERE id = \(bind: existing.inode.rawValue)
                        """
                    ).run()
                    return existing
                }
                guard !chain.contains(existing.inode) else {
                    throw SMHError(.symlinkOverwriteConflict, "'\(existing.name)' is the file the link would point to.")
                }
                _ = try await SubtreeRows.remove(
                    db, existing, in: space, path: parentPath.components + [existing.name], recycle: recycleReplaced,
                    retentionDays: retentionDays, userId: userId, at: time)
                return nil
            }
            try await NodeRows.touch(db, parent.inode, at: time)
            return parentPath.components + [name]
        }
    }

    /// What `overwrite` may replace when moving or copying `incoming` (spec 20 F-17): a file or a link, but not a
    /// directory, and not what `incoming` itself leads to (that would delete a link's own target).
    static func checkReplaceable(_ db: any SQLDatabase, _ existing: Node, by incoming: Node) async throws {
        guard existing.kind != .directory else {
            throw SMHError(.sameNameDirectoryOrFileExists, "'\(existing.name)' is a directory.")
        }
        if incoming.kind == .symlink, try await NodeRows.linkChain(db, from: incoming).contains(existing.inode) {
            throw SMHError(.symlinkOverwriteConflict, "'\(existing.name)' is where this link leads.")
        }
        if try await HistoryRows.hasVersions(db, existing.inode) {
            throw SMHError(
                .overwriteFileNotAllowed, "'\(existing.name)' has history versions; it cannot be overwritten.")
        }
    }
}
