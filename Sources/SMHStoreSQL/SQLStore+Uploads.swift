import Foundation
import SMHCore
import SQLKit

extension SQLStore: UploadStore {
    public func insertUpload(_ session: UploadSession) async throws {
        let path = try Self.encodeJSON(session.path.components)
        let meta = try Self.encodeJSON(session.metaData)
        let description = try Self.encodeJSON(session.description)
        try await transaction { db in
            try await db.raw(
                """
                INSERT INTO upload_sessions (confirm_key, library_id, space_id, user_id, kind, path, conflict_strategy,
                                             expected_size, meta, description, state, created_at, expires_at)
                VALUES (\(bind: session.confirmKey), \(bind: session.libraryId.rawValue), \(bind: session.spaceId.rawValue),
                        \(bind: session.userId), 'simple', \(bind: path), \(bind: session.strategy.rawValue),
                        \(bind: session.expectedSize), \(bind: meta), \(bind: description), 'pending', \(bind: session.createdAt.milliseconds),
                        \(bind: session.expiresAt.milliseconds))
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
        return try await transaction { db in
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
        _ session: UploadSession, in space: Space, strategy: ConflictStrategy, maxNameLength: Int, at time: Timestamp
    ) async throws -> (path: [String], node: Node, overwritten: Bool) {
        guard let name = session.path.name, let parentPath = session.path.parent else {
            throw SMHError(.emptyFileName, "The file name is empty.")
        }
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
            guard let staged = current.staged else {
                throw SMHError(.uploadIncomplete, "The content of this upload has not been received.")
            }
            var parent = space.rootInode
            for component in parentPath.components {
                guard let next = try await NodeRows.liveChild(db, parent: parent, name: component),
                    next.kind == .directory
                else {
                    throw SMHError(.directoryNotFound, "Directory /\(parentPath) does not exist.")
                }
                parent = next.inode
            }
            try await BlobRows.retain(db, staged.digest, at: time)
            var candidate = name
            var attempt = 0
            var placed: Node?
            var overwritten = false
            while placed == nil {
                if let created = try await NodeRows.insertFile(
                    db, space: space, parent: parent, name: candidate, content: staged.digest,
                    contentType: FileKinds.contentType(of: name), meta: meta, userId: session.userId, at: time)
                {
                    placed = created
                    break
                }
                let existing = try await NodeRows.liveChild(db, parent: parent, name: candidate)
                switch (strategy, existing?.kind) {
                case (_, nil):
                    // Removed between the insert and the look-up: try the same name again, a bounded number of times.
                    attempt += 1
                    guard attempt <= ConflictRenaming.maxAttempts else {
                        throw SMHError(.pathConflict, "'\(candidate)' keeps changing; try again.")
                    }
                case (.overwrite, .file?):
                    placed = try await NodeRows.replaceContent(db, existing!, with: staged.digest, in: space, at: time)
                    overwritten = true
                case (.overwrite, .symlink?):
                    throw SMHError(.symlinkOverwriteConflict, "A symbolic link cannot be overwritten by a file.")
                case (.rename, _):
                    attempt += 1
                    guard attempt <= ConflictRenaming.maxAttempts else {
                        throw SMHError(.renameTooManyTimes, "No free name for '\(name)'.")
                    }
                    candidate = ConflictRenaming.candidate(
                        for: name, attempt: attempt, isDirectory: false, maxLength: maxNameLength)
                default:
                    throw SMHError(.sameNameDirectoryOrFileExists, "'\(candidate)' already exists.")
                }
            }
            guard var node = placed else { throw SMHError.internalError(StoreInvariant("no node placed")) }
            let description = session.description
            if description != FileDescription() {
                try await NodeRows.describe(
                    db, node.inode, labels: description.labels, category: description.category, metaData: nil,
                    localTimes: description.localTimes)
                node = try await NodeRows.byId(db, node.inode) ?? node
            }
            try await db.raw(
                """
                UPDATE spaces SET used_bytes = used_bytes + \(bind: staged.digest.size)
                WHERE library_id = \(bind: space.libraryId.rawValue) AND id = \(bind: space.id.rawValue)
                """
            ).run()
            try await db.raw(
                """
                UPDATE upload_sessions SET state = 'confirmed', result_inode = \(bind: node.inode.rawValue),
                    path = \(bind: try Self.encodeJSON(parentPath.components + [node.name]))
                WHERE confirm_key = \(bind: session.confirmKey)
                """
            ).run()
            try await NodeRows.touch(db, parent, at: time)
            return (parentPath.components + [node.name], node, overwritten)
        }
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
