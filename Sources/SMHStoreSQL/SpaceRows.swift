import SMHCore
import SQLKit

/// SQL for the `spaces` table, callable inside any transaction.
enum SpaceRows {
    /// Adds `bytes` (negative: releases) to a space's usage, inside the transaction that changes what it counts.
    static func charge(_ db: any SQLDatabase, library: LibraryID, space: SpaceID, bytes: Int64) async throws {
        guard bytes != 0 else { return }
        try await db.raw(
            """
            UPDATE spaces SET used_bytes = used_bytes + \(bind: bytes)
            WHERE library_id = \(bind: library.rawValue) AND id = \(bind: space.rawValue)
            """
        ).run()
    }

    /// Inserts a space and its root directory node, whose inode is recorded on the space.
    static func insert(
        _ db: any SQLDatabase, library: LibraryID, space: SpaceID, owner: String, at time: Timestamp
    ) async throws {
        try await db.raw(
            """
            INSERT INTO spaces (library_id, id, owner_user_id, created_at, updated_at)
            VALUES (\(bind: library.rawValue), \(bind: space.rawValue), \(bind: owner), \(bind: time.milliseconds),
                    \(bind: time.milliseconds))
            """
        ).run()
        let root = try await db.raw(
            """
            INSERT INTO nodes (library_id, space_id, parent_id, name, kind, created_at, updated_at)
            VALUES (\(bind: library.rawValue), \(bind: space.rawValue), NULL, '', 'dir', \(bind: time.milliseconds),
                    \(bind: time.milliseconds))
            RETURNING id
            """
        ).first()
        guard let inode = try root?.decode(column: "id", as: Int64.self) else {
            throw SMHError.internalError(StoreInvariant("INSERT … RETURNING gave no root inode"))
        }
        try await db.raw(
            """
            UPDATE spaces SET root_inode = \(bind: inode)
            WHERE library_id = \(bind: library.rawValue) AND id = \(bind: space.rawValue)
            """
        ).run()
    }
}

/// A broken assumption about what the database returns: a bug, logged as the cause of an internal error.
struct StoreInvariant: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
