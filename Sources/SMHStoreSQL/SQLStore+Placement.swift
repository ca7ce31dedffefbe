import SMHCore
import SQLKit

extension SQLStore {
    /// Puts an entry into `parent` under the name rule (`NameConflict`), inside the caller's transaction: `insert`
    /// tries a name and answers nil when it is taken; `replace` deals with an existing entry that `overwrite` may
    /// replace — it answers the placement itself when replacing *is* placing (new content for the same file, a link
    /// re-pointed), or nil once it has cleared the name for `insert` to try again. Returns the final name.
    static func placeEntry<Placed>(
        _ db: any SQLDatabase, in parent: Inode, _ conflict: inout NameConflict,
        insert: (String) async throws -> Placed?,
        replace: (Node) async throws -> Placed? = { _ in nil }
    ) async throws -> (name: String, placed: Placed) {
        while true {
            let name = conflict.name
            if let placed = try await insert(name) { return (name, placed) }
            guard let existing = try await NodeRows.liveChild(db, parent: parent, name: name) else {
                try conflict.retry()  // removed between the insert and the look-up: the same name again
                continue
            }
            if try conflict.taken(by: existing.kind) == .replace, let placed = try await replace(existing) {
                return (name, placed)
            }
        }
    }

    /// `insert` for entries that already exist and only move (a move, a restore): the name must be free first.
    static func ifFree(
        _ db: any SQLDatabase, in parent: Inode, _ name: String, then move: () async throws -> Void
    ) async throws -> Bool? {
        guard try await NodeRows.liveChild(db, parent: parent, name: name) == nil else { return nil }
        try await move()
        return true
    }

    /// `replace` for moves and copies: the replaced entry is deleted as F-16 would delete it (into the recycle bin
    /// when that is on), after `checkReplaceable`; the name is then free for the incoming entry.
    static func removeReplaced<Placed>(
        _ db: any SQLDatabase, _ existing: Node, by incoming: Node, in space: Space, under parentPath: ItemPath,
        recycle: Bool, retentionDays: Int64, userId: String, at time: Timestamp
    ) async throws -> Placed? {
        try await checkReplaceable(db, existing, by: incoming)
        _ = try await SubtreeRows.remove(
            db, existing, in: space, path: parentPath.components + [existing.name], recycle: recycle,
            retentionDays: retentionDays, userId: userId, at: time)
        return nil
    }
}
