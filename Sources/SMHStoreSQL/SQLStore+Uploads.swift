import Foundation
import SMHCore
import SQLKit

extension SQLStore: UploadStore {
    public func insertUpload(_ session: UploadSession) async throws {
        let path = try Self.encodeJSON(session.path.components)
        let meta = try Self.encodeJSON(session.metaData)
        let description = try Self.encodeJSON(session.description)
        // Not durable: a task lost in a crash answers 404 and the client begins again (docs/ARCHITECTURE.md).
        try await lightTransaction { db in
            try await db.raw(
                """
                INSERT INTO upload_sessions (confirm_key, library_id, space_id, user_id, kind, path, conflict_strategy,
                                             expected_size, meta, description, state, created_at, expires_at, upload_id)
                VALUES (\(bind: session.confirmKey), \(bind: session.libraryId.rawValue), \(bind: session.spaceId.rawValue),
                        \(bind: session.userId), \(bind: session.kind.rawValue), \(bind: path), \(bind: session.strategy.rawValue),
                        \(bind: session.expectedSize), \(bind: meta), \(bind: description), 'pending', \(bind: session.createdAt.milliseconds),
                        \(bind: session.expiresAt.milliseconds), \(bind: session.uploadId))
                """
            ).run()
        }
    }

    public func upload(confirmKey: String) async throws -> UploadSession? {
        try await read { db in try await UploadRows.byKey(db, confirmKey) }
    }

    public func attachContent(confirmKey: String, _ staged: StagedBlob, at time: Timestamp) async throws -> StagedBlob?
    {
        let encoded = try UploadRows.encode(staged)
        // Not durable: the content is confirmed by confirm, whose commit syncs the log with this record in it.
        return try await lightTransaction { db in
            guard let session = try await UploadRows.byKey(db, confirmKey) else {
                throw SMHError(.uploadNotFound, "No such upload.")
            }
            guard session.state == .pending else {
                throw SMHError(
                    session.state == .confirmed ? .uploadComplete : .uploadNotFound,
                    "This upload is not pending any more.")
            }
            try await db.raw(
                "UPDATE upload_sessions SET staged = \(bind: encoded) WHERE confirm_key = \(bind: confirmKey)"
            ).run()
            return session.staged
        }
    }

    public func confirmUpload(
        _ session: UploadSession, content: ContentDigest, in space: Space, strategy: ConflictStrategy,
        maxNameLength: Int, history: HistoryPolicy?, at time: Timestamp,
        commit: @escaping @Sendable () async throws -> Void
    ) async throws -> (path: [String], node: Node, overwritten: Bool) {
        let meta = try Self.encodeJSON(session.metaData)
        return try await transaction { db in
            // Decided again inside the transaction: another confirm of the same task may have won meanwhile.
            guard let current = try await UploadRows.byKey(db, session.confirmKey), current.state != .aborted else {
                throw SMHError(.uploadNotFound, "No such upload.")
            }
            if current.state == .confirmed, let inode = current.resultInode,
                let node = try await NodeRows.byId(db, inode)
            {
                return (current.path.components, node, false)
            }
            try await BlobRows.retain(db, content, at: time)
            try await commit()
            let placed = try await Self.place(
                db, content, session: session, meta: meta, in: space, strategy: strategy, maxNameLength: maxNameLength,
                history: history, at: time)
            try await db.raw(
                """
                UPDATE upload_sessions SET state = 'confirmed', result_inode = \(bind: placed.node.inode.rawValue),
                    path = \(bind: try Self.encodeJSON(placed.path)),
                    expires_at = \(bind: time.adding(seconds: UploadSession.confirmedRetentionSeconds).milliseconds)
                WHERE confirm_key = \(bind: session.confirmKey)
                """
            ).run()
            return placed
        }
    }

    public func placeExisting(
        _ content: ContentDigest, session: UploadSession, in space: Space, strategy: ConflictStrategy,
        maxNameLength: Int, history: HistoryPolicy?, at time: Timestamp
    ) async throws -> (path: [String], node: Node, overwritten: Bool) {
        let meta = try Self.encodeJSON(session.metaData)
        return try await transaction { db in
            guard try await BlobRows.refcount(db, sha256: content.sha256) ?? 0 > 0 else {
                throw SMHError(.uploadNotFound, "The matching content went away; upload it.")
            }
            try await BlobRows.retain(db, content, at: time)
            return try await Self.place(
                db, content, session: session, meta: meta, in: space, strategy: strategy, maxNameLength: maxNameLength,
                history: history, at: time)
        }
    }

    /// Puts a file with `content` (already referenced) at the task's path under the strategy: a new node, or new
    /// content for the same inode when overwriting. Charges the space and applies the task's description.
    static func place(
        _ db: any SQLDatabase, _ content: ContentDigest, session: UploadSession, meta: String, in space: Space,
        strategy: ConflictStrategy, maxNameLength: Int, history: HistoryPolicy?, at time: Timestamp
    ) async throws -> (path: [String], node: Node, overwritten: Bool) {
        guard let name = session.path.name, let parentPath = session.path.parent else {
            throw SMHError(.emptyFileName, "The file name is empty.")
        }
        var parent = space.rootInode
        for component in parentPath.components {
            guard let next = try await NodeRows.liveChild(db, parent: parent, name: component), next.kind == .directory
            else {
                throw SMHError(.directoryNotFound, "Directory /\(parentPath) does not exist.")
            }
            parent = next.inode
        }
        // Overwriting a file gives it new content (the same inode, history kept); a link or a directory stays.
        var conflict = NameConflict(
            strategy, wanted: name, incomingIsDirectory: false, maxNameLength: maxNameLength,
            replaceable: { kind in
                switch kind {
                case .file: return nil
                case .symlink:
                    return SMHError(.symlinkOverwriteConflict, "A symbolic link cannot be overwritten by a file.")
                case .directory: return SMHError(.sameNameDirectoryOrFileExists, "'\(name)' is a directory.")
                }
            })
        let (_, result) = try await placeEntry(db, in: parent, &conflict) { candidate -> (Node, Bool)? in
            try await NodeRows.insertFile(
                db, space: space, parent: parent, name: candidate, content: content,
                contentType: FileKinds.contentType(of: name), meta: meta, userId: session.userId, at: time
            ).map { ($0, false) }
        } replace: { existing in
            (
                try await NodeRows.replaceContent(
                    db, existing, with: content, in: space, history: history, userId: session.userId, at: time),
                true
            )
        }
        let (placed, overwritten) = result
        var node = placed
        let description = session.description
        if description != FileDescription() {
            try await NodeRows.describe(
                db, node.inode, labels: description.labels, category: description.category, metaData: nil,
                localTimes: description.localTimes)
            node = try await NodeRows.byId(db, node.inode) ?? node
        }
        try await SpaceRows.charge(db, library: space.libraryId, space: space.id, bytes: content.size)
        try await NodeRows.touch(db, parent, at: time)
        return (parentPath.components + [node.name], node, overwritten)
    }

    public func attachPart(confirmKey: String, _ part: StagedPart) async throws -> StagedPart? {
        // Not durable: a part lost in a crash is missing from the task's state, and the client sends it again.
        try await lightTransaction { db in
            guard let session = try await UploadRows.byKey(db, confirmKey) else {
                throw SMHError(.uploadNotFound, "No such upload.")
            }
            guard session.state == .pending else {
                throw SMHError(
                    session.state == .confirmed ? .uploadComplete : .uploadNotFound,
                    "This upload is not pending any more.")
            }
            let replaced = try await db.raw(
                """
                SELECT * FROM upload_parts WHERE confirm_key = \(bind: confirmKey) AND part_number = \(bind: part.number)
                """
            ).first().map(UploadRows.decodePart)
            try await db.raw(
                """
                INSERT INTO upload_parts (confirm_key, part_number, staging_key, size, md5, crc64, sha256, created_at)
                VALUES (\(bind: confirmKey), \(bind: part.number), \(bind: part.stagingKey), \(bind: part.size),
                        \(bind: part.md5), '', '', \(bind: part.receivedAt.milliseconds))
                ON CONFLICT (confirm_key, part_number) DO UPDATE SET staging_key = excluded.staging_key,
                    size = excluded.size, md5 = excluded.md5, created_at = excluded.created_at
                """
            ).run()
            return replaced
        }
    }

    public func recordAssembly(confirmKey: String, _ assembled: StagedBlob) async throws {
        let encoded = try UploadRows.encode(assembled)
        try await transaction { db in
            try await db.raw(
                """
                UPDATE upload_sessions SET staged = \(bind: encoded)
                WHERE confirm_key = \(bind: confirmKey) AND state = 'pending'
                """
            ).run()
        }
    }

    public func parts(confirmKey: String) async throws -> [StagedPart] {
        try await read { db in
            try await db.raw(
                "SELECT * FROM upload_parts WHERE confirm_key = \(bind: confirmKey) ORDER BY part_number"
            ).all().map(UploadRows.decodePart)
        }
    }

    public func abortUpload(confirmKey: String) async throws -> UploadSession {
        try await transaction { db in
            guard let session = try await UploadRows.byKey(db, confirmKey), session.state != .aborted else {
                throw SMHError(.uploadNotFound, "No such upload.")
            }
            guard session.state == .pending else {
                throw SMHError(.uploadComplete, "This upload is confirmed; its file is not touched.")
            }
            try await db.raw(
                "UPDATE upload_sessions SET state = 'aborted' WHERE confirm_key = \(bind: confirmKey)"
            ).run()
            return session
        }
    }

    public func findContent(in space: Space, size: Int64, beginningHash: String?, fullHash: String?) async throws
        -> ContentDigest?
    {
        try await read { db in
            try await BlobRows.findInSpace(
                db, space: space, size: size, beginningHash: beginningHash, fullHash: fullHash)
        }
    }

    public func finishedUploads(now: Timestamp, limit: Int) async throws
        -> [UploadSession]
    {
        try await read { db in
            let rows = try await db.raw(
                """
                SELECT confirm_key FROM upload_sessions
                WHERE expires_at < \(bind: now.milliseconds) OR state = 'aborted'
                LIMIT \(unsafeRaw: String(limit))
                """
            ).all()
            var sessions: [UploadSession] = []
            for row in rows {
                if let session = try await UploadRows.byKey(db, try row.decode(column: "confirm_key", as: String.self))
                {
                    sessions.append(session)
                }
            }
            return sessions
        }
    }

    public func deleteUpload(confirmKey: String) async throws {
        try await transaction { db in
            try await db.raw("DELETE FROM upload_parts WHERE confirm_key = \(bind: confirmKey)").run()
            try await db.raw("DELETE FROM upload_sessions WHERE confirm_key = \(bind: confirmKey)").run()
        }
    }

    public func collectUnreferencedBlobs(
        before cutoff: Timestamp, limit: Int, remove: @escaping @Sendable (String) async throws -> Void
    ) async throws -> Int {
        let candidates = try await read { db in
            try await db.raw(
                """
                SELECT sha256 FROM blobs WHERE refcount <= 0 AND unreferenced_since IS NOT NULL
                    AND unreferenced_since < \(bind: cutoff.milliseconds)
                LIMIT \(unsafeRaw: String(limit))
                """
            ).all().map { try $0.decode(column: "sha256", as: String.self) }
        }
        var removed = 0
        for sha in candidates {
            let gone = try await transaction { db in
                // The row lock (PostgreSQL) or the write lock (SQLite) makes a concurrent `retain` wait until the bytes
                // are gone and the row with them; it then starts afresh with its own bytes.
                guard
                    try await db.raw(
                        """
                        DELETE FROM blobs WHERE sha256 = \(bind: sha) AND refcount <= 0
                            AND unreferenced_since < \(bind: cutoff.milliseconds)
                        RETURNING sha256
                        """
                    ).first() != nil
                else { return false }
                try await remove(sha)
                return true
            }
            if gone { removed += 1 }
        }
        return removed
    }
}

/// SQL for `upload_sessions` rows.
enum UploadRows {
    struct StagedForm: Codable {
        let digest: ContentDigest
        let stagingKey: String
    }

    static func encode(_ staged: StagedBlob) throws -> String {
        try SQLStore.encodeJSON(StagedForm(digest: staged.digest, stagingKey: staged.stagingKey))
    }

    static func byKey(_ db: any SQLDatabase, _ key: String) async throws -> UploadSession? {
        guard let row = try await db.raw("SELECT * FROM upload_sessions WHERE confirm_key = \(bind: key)").first()
        else {
            return nil
        }
        let decoder = JSONDecoder()
        let path = try decoder.decode([String].self, from: Data(try row.decode(column: "path", as: String.self).utf8))
        let meta = try decoder.decode(
            [String: String].self, from: Data(try row.decode(column: "meta", as: String.self).utf8))
        let staged = try row.decode(column: "staged", as: String?.self).map {
            try decoder.decode(StagedForm.self, from: Data($0.utf8))
        }
        return UploadSession(
            confirmKey: key,
            kind: UploadSession.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .simple,
            uploadId: try row.decode(column: "upload_id", as: String?.self),
            libraryId: LibraryID(try row.decode(column: "library_id", as: String.self)),
            spaceId: SpaceID(try row.decode(column: "space_id", as: String.self)),
            userId: try row.decode(column: "user_id", as: String.self),
            path: ItemPath(validated: path),
            strategy: ConflictStrategy(rawValue: try row.decode(column: "conflict_strategy", as: String.self))
                ?? .rename,
            expectedSize: try row.decode(column: "expected_size", as: Int64?.self),
            metaData: meta,
            description: (try? decoder.decode(
                FileDescription.self, from: Data(try row.decode(column: "description", as: String.self).utf8)))
                ?? FileDescription(),
            state: UploadSession.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .aborted,
            staged: staged.map { StagedBlob(digest: $0.digest, stagingKey: $0.stagingKey) },
            resultInode: try row.decode(column: "result_inode", as: Int64?.self).map { Inode($0) },
            createdAt: Timestamp(milliseconds: try row.decode(column: "created_at", as: Int64.self)),
            expiresAt: Timestamp(milliseconds: try row.decode(column: "expires_at", as: Int64.self)))
    }
}

extension UploadRows {
    static func decodePart(_ row: any SQLRow) throws -> StagedPart {
        StagedPart(
            number: try row.decode(column: "part_number", as: Int.self),
            stagingKey: try row.decode(column: "staging_key", as: String.self),
            size: try row.decode(column: "size", as: Int64.self), md5: try row.decode(column: "md5", as: String.self),
            receivedAt: Timestamp(milliseconds: try row.decode(column: "created_at", as: Int64.self)))
    }
}
