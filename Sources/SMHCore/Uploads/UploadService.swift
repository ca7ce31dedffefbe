/// Uploads (spec 20 §2): simple and multipart tasks, instant upload by hash, renew, state, abort, confirm, and the
/// clean-up of tasks that end without a confirm.
public struct UploadService<
    Store: UploadStore & NamespaceStore & QuotaStore & TokenStore & LibraryStore & SpaceStore
>: Sendable {
    public let store: Store
    public let blobs: any BlobStore
    public let signer: DataPlaneSigner
    public let clock: any Clock
    public let digests: PartDigests
    /// Where the running digest is advanced after each part, off the request (nil: confirm folds every part).
    public let background: BackgroundWork?
    /// How long a pending task and its received bytes are kept (spec 20 §2.1: 7 days by default).
    public let pendingLifetimeSeconds: Int64

    public init(
        store: Store, blobs: any BlobStore, signer: DataPlaneSigner, clock: any Clock = SystemClock(),
        digests: PartDigests = PartDigests(), background: BackgroundWork? = nil,
        pendingLifetimeSeconds: Int64 = UploadSession.defaultPendingLifetimeSeconds
    ) {
        self.background = background
        self.store = store
        self.blobs = blobs
        self.signer = signer
        self.clock = clock
        self.digests = digests
        self.pendingLifetimeSeconds = pendingLifetimeSeconds
    }

    var access: AccessService<Store> { AccessService(store: store, clock: clock) }

    static var uploadPurpose: String { "upload" }

    /// What the client needs to send the bytes (the F-01/F-02 answer without the `domain`, which HTTP knows).
    public struct Ticket: Sendable {
        public let confirmKey: String
        public let path: String
        public let uploadId: String?
        public let authorization: String
        public let contentType: String
        public let expiration: Timestamp
    }

    /// The hash fields of a begin body (spec 20 §2.2).
    public struct InstantRequest: Sendable {
        public let size: Int64?
        public let beginningHash: String?
        public let fullHash: String?

        public init(size: Int64?, beginningHash: String?, fullHash: String?) {
            self.size = size
            self.beginningHash = beginningHash
            self.fullHash = fullHash
        }
    }

    public enum BeginOutcome: Sendable {
        /// 201: a task to send the bytes to.
        case task(Ticket)
        /// 202: the beginning hash matched; the client should ask again with the full hash.
        case beginningMatched
        /// 200: the full hash matched; the file exists now.
        case created(path: [String], node: Node, overwritten: Bool)
    }

    /// F-01 / F-02: validates the target and creates the task, unless instant upload applies. The conflict check
    /// here is advisory; confirm decides.
    public func begin(
        _ caller: Caller, space spaceId: String, rawPath: Substring, strategy: ConflictStrategy, expectedSize: Int64?,
        metaData: [String: String], description: DescriptionPatch = DescriptionPatch(), multipart: Bool = false,
        instant: InstantRequest? = nil
    ) async throws -> BeginOutcome {
        let space = try await access.space(
            spaceId, for: caller, operation: .beginUpload(overwrite: strategy == .overwrite))
        let settings = caller.library.settings
        let path = try ItemPath.decode(rawTail: rawPath, leaf: .file, maxNameLength: settings.maxDirFileNameLength)
        guard let name = path.name, let parentPath = path.parent else {
            throw SMHError(.emptyFileName, "The file name is empty.")
        }
        if let expectedSize, expectedSize < 0 {
            throw SMHError(.paramInvalid, "filesize must be a non-negative integer.")
        }
        if let size = instant?.size, size < 0 { throw SMHError(.paramInvalid, "size must be a non-negative integer.") }
        for hash in [instant?.beginningHash, instant?.fullHash].compactMap({ $0 }) {
            guard hash.utf8.count == 64, hash.utf8.allSatisfy({ Hex.isLowerHex($0) }) else {
                throw SMHError(.paramInvalid, "beginningHash and fullHash are 64 lower-case hex digits.")
            }
        }
        try MediaRules.check(caller.library, space, name: name, depth: path.components.count)
        let fileDescription = try FileDescription().overridden(by: description)
        guard let parent = try await store.node(in: space, at: parentPath), parent.kind == .directory else {
            throw SMHError(.directoryNotFound, "Directory /\(parentPath) does not exist.")
        }
        if let existing = try await store.node(in: space, at: path) {
            if strategy == .ask || (strategy == .overwrite && existing.kind == .directory) {
                throw SMHError(.sameNameDirectoryOrFileExists, "'\(name)' already exists.")
            }
        }
        try await store.ensureRoom(caller.library, space, adding: expectedSize ?? instant?.size ?? 0)
        let now = clock.now()
        let session = UploadSession(
            confirmKey: UploadSession.generateKey(), kind: multipart ? .multipart : .simple,
            uploadId: multipart ? RandomToken.alphanumeric(count: 24) : nil, libraryId: caller.library.id,
            spaceId: space.id, userId: caller.userId, path: path, strategy: strategy, expectedSize: expectedSize,
            metaData: metaData, description: fileDescription, state: .pending, staged: nil, resultInode: nil,
            createdAt: now, expiresAt: now.adding(seconds: pendingLifetimeSeconds))
        if let instant, let size = instant.size, size >= Int64(ContentHasher.chunkSize),
            instant.beginningHash != nil || instant.fullHash != nil
        {
            if let content = try await store.findContent(
                in: space, size: size, beginningHash: instant.beginningHash, fullHash: instant.fullHash)
            {
                guard instant.fullHash != nil else { return .beginningMatched }
                if strategy == .overwrite { try caller.require(.beginUpload(overwrite: true)) }
                let placed = try await store.placeExisting(
                    content, session: session, in: space, strategy: strategy,
                    maxNameLength: settings.maxDirFileNameLength, history: HistoryPolicy(settings), at: now)
                return .created(path: placed.path, node: placed.node, overwritten: placed.overwritten)
            }
        }
        try await store.insertUpload(session)
        return .task(ticket(for: session, contentType: FileKinds.contentType(of: name)))
    }

    /// A fresh credential for the task's data-plane URL.
    func ticket(for session: UploadSession, contentType: String) -> Ticket {
        let expiration = clock.now().adding(seconds: UploadSession.credentialLifetimeSeconds)
        return Ticket(
            confirmKey: session.confirmKey, path: "/_opensmh/up/\(session.confirmKey)", uploadId: session.uploadId,
            authorization: "OpenSMH-UP "
                + signer.sign(purpose: Self.uploadPurpose, subject: session.confirmKey, expires: expiration),
            contentType: session.kind == .multipart ? "application/octet-stream" : contentType,
            expiration: expiration)
    }

    /// Data plane: checks the credential of a content or part PUT (403 when invalid or expired, as COS answers).
    public func authorizeContent(
        confirmKey: String, authorization: String?, part: (number: String, uploadId: String)? = nil
    ) async throws -> UploadSession {
        guard UploadSession.isWellFormedKey(confirmKey), let session = try await store.upload(confirmKey: confirmKey),
            session.expiresAt > clock.now()
        else {
            throw SMHError(.uploadNotFound, "No such upload.")
        }
        let presented = authorization.map { $0.hasPrefix("OpenSMH-UP ") ? String($0.dropFirst(11)) : $0 } ?? ""
        guard signer.verify(presented, purpose: Self.uploadPurpose, subject: confirmKey, now: clock.now()) else {
            throw SMHError(.invalidAccessToken, "The upload credential is invalid or has expired.")
        }
        switch session.state {
        case .pending: break
        case .confirmed: throw SMHError(.uploadComplete, "This upload is already confirmed.")
        case .aborted: throw SMHError(.uploadNotFound, "This upload was aborted.")
        }
        switch (session.kind, part) {
        case (.simple, nil): return session
        case (.simple, _?): throw SMHError(.notMultipartUpload, "This upload takes its content in one PUT.")
        case (.multipart, nil): throw SMHError(.paramInvalid, "A multipart upload takes partNumber and uploadId.")
        case (.multipart, let part?):
            guard part.uploadId == session.uploadId else { throw SMHError(.uploadNotFound, "No such uploadId.") }
            guard let number = Int(part.number), UploadSession.partNumbers.contains(number) else {
                throw SMHError(.paramInvalid, "partNumber must be an integer from 1 to 10000.")
            }
            return session
        }
    }

    /// Data plane: a part is durable in the staging area; record it (last one wins) and fold what became contiguous.
    public func receivedPart(_ session: UploadSession, number: Int, staged: StagedBlob) async throws -> StagedPart {
        let part = StagedPart(
            number: number, stagingKey: staged.stagingKey, size: staged.digest.size, md5: staged.digest.md5,
            receivedAt: clock.now())
        let replaced: StagedPart?
        do {
            replaced = try await store.attachPart(confirmKey: session.confirmKey, part)
        } catch {
            await blobs.discardPart(upload: session.confirmKey, stagingKey: staged.stagingKey)
            throw error
        }
        if let replaced { await blobs.discardPart(upload: session.confirmKey, stagingKey: replaced.stagingKey) }
        // Folding runs beside the next part's transfer; confirm waits for whatever is left.
        let parts = try await store.parts(confirmKey: session.confirmKey)
        let (digests, blobs, key) = (self.digests, self.blobs, session.confirmKey)
        // A failed fold is not an error of this part: confirm folds whatever is missing itself.
        background?.submit { try? await digests.advance(key, parts: parts, blobs: blobs) }
        return part
    }

    /// The task of a confirm key in this space, pending or confirmed (aborted and expired ones are not found).
    func session(_ caller: Caller, _ space: Space, _ confirmKey: String) async throws -> UploadSession {
        guard UploadSession.isWellFormedKey(confirmKey), let session = try await store.upload(confirmKey: confirmKey),
            session.libraryId == caller.library.id, session.spaceId == space.id, session.state != .aborted,
            session.state == .confirmed || session.expiresAt > clock.now()
        else {
            throw SMHError(.uploadNotFound, "No such upload, or it expired.")
        }
        return session
    }

    /// F-05: fresh credentials for a pending multipart task; path, uploadId and received parts stay.
    public func renew(_ caller: Caller, space spaceId: String, confirmKey: String) async throws -> Ticket {
        let space = try await access.space(spaceId, for: caller, operation: .beginUpload(overwrite: false))
        let session = try await session(caller, space, confirmKey)
        guard session.state == .pending else { throw SMHError(.uploadComplete, "This upload is already confirmed.") }
        guard session.kind == .multipart else {
            throw SMHError(.paramInvalid, "Only multipart uploads are renewed; begin a simple upload again.")
        }
        return ticket(for: session, contentType: "application/octet-stream")
    }

    /// F-06: the task, its received parts (multipart), and fresh credentials to go on with (pending multipart).
    public func state(_ caller: Caller, space spaceId: String, confirmKey: String) async throws -> (
        session: UploadSession, path: [String]?, parts: [StagedPart], ticket: Ticket?
    ) {
        let space = try await access.space(spaceId, for: caller, operation: .beginUpload(overwrite: false))
        let session = try await session(caller, space, confirmKey)
        let parts = session.kind == .multipart ? try await store.parts(confirmKey: confirmKey) : []
        var path: [String]? = session.path.components
        if session.state == .confirmed {
            path = try await session.resultInode.asyncMap { try await store.locate($0, in: space)?.path } ?? nil
        }
        let ticket =
            session.kind == .multipart && session.state == .pending
            ? ticket(for: session, contentType: "application/octet-stream") : nil
        return (session, path, parts, ticket)
    }

    /// F-08: the task is aborted and its received bytes are deleted.
    public func abort(_ caller: Caller, space spaceId: String, confirmKey: String) async throws {
        let space = try await access.space(spaceId, for: caller, operation: .beginUpload(overwrite: false))
        _ = try await session(caller, space, confirmKey)
        let session = try await store.abortUpload(confirmKey: confirmKey)
        await discardBytes(of: session)
    }

    func discardBytes(of session: UploadSession) async {
        digests.forget(session.confirmKey)
        switch session.kind {
        case .simple: if let staged = session.staged { await blobs.discard(staged) }
        case .multipart: await blobs.discardUpload(upload: session.confirmKey)
        }
    }

    /// F-07: idempotent. A confirmed task answers with the file it produced.
    public func confirm(
        _ caller: Caller, space spaceId: String, confirmKey: String, strategyOverride: ConflictStrategy?,
        crc64: String?,
        description: DescriptionPatch = DescriptionPatch()
    ) async throws -> (path: [String]?, node: Node, overwritten: Bool) {
        let space = try await access.space(spaceId, for: caller, operation: .confirmUpload)
        var session = try await session(caller, space, confirmKey)
        if session.state == .confirmed, let inode = session.resultInode {
            guard let found = try await store.locate(inode, in: space) else {
                throw SMHError(.uploadComplete, "This upload is confirmed, and its file is gone since.")
            }
            return (found.path, found.node, false)
        }
        session.description = try session.description.overridden(by: description)
        let content: ContentDigest
        let commit: @Sendable () async throws -> Void
        switch session.kind {
        case .simple:
            guard let staged = session.staged else {
                throw SMHError(.uploadIncomplete, "The content of this upload has not been received.")
            }
            content = staged.digest
            let blobs = self.blobs
            // Concurrent confirms sync their bytes side by side here rather than one after another in the writer.
            try await blobs.makeDurable(staged)
            commit = { try await blobs.commit(staged) }
        case .multipart:
            let parts = try await store.parts(confirmKey: confirmKey)
            guard !parts.isEmpty, parts.last?.number == parts.count else {
                throw SMHError(
                    .multipartUploadIncomplete,
                    parts.isEmpty
                        ? "No part has been received." : "Parts are missing: numbers must run from 1 to the last.")
            }
            if let small = parts.dropLast().first(where: { $0.size < UploadSession.minimumPartSize }) {
                throw SMHError(
                    .multipartUploadPartTooSmall,
                    "Part \(small.number) has \(small.size) bytes; all but the last need 1 MiB."
                )
            }
            let fingerprint = parts.map(\.stagingKey).joined(separator: ",")
            if let assembled = session.staged, assembled.stagingKey == fingerprint {
                content = assembled.digest  // an earlier confirm got this far; the parts may be the blob already
            } else {
                content = try await digests.digest(confirmKey, parts: parts, blobs: blobs)
                try await store.recordAssembly(
                    confirmKey: confirmKey, StagedBlob(digest: content, stagingKey: fingerprint))
            }
            let (blobs, address) = (self.blobs, content.sha256)
            commit = { try await blobs.commitParts(upload: confirmKey, parts: parts, address: address) }
        }
        if let crc64, !crc64.isEmpty, crc64 != String(content.crc64) {
            throw SMHError(.badCrc64, "The CRC-64 of the received content is \(content.crc64), not \(crc64).")
        }
        let effective = strategyOverride ?? session.strategy
        if effective == .overwrite { try caller.require(.beginUpload(overwrite: true)) }
        try MediaRules.check(caller.library, space, name: session.path.name ?? "", depth: session.path.components.count)
        try await store.ensureRoom(caller.library, space, adding: content.size)
        let result = try await store.confirmUpload(
            session, content: content, in: space, strategy: effective,
            maxNameLength: caller.library.settings.maxDirFileNameLength,
            history: HistoryPolicy(caller.library.settings), at: clock.now(), commit: commit)
        digests.forget(confirmKey)
        return result
    }

    /// Deletes tasks that ended without a confirm (expired or aborted) with their received bytes, forgets confirmed
    /// ones after their retention, and removes blobs unreferenced for longer than `blobGraceSeconds`. Returns the
    /// number of tasks and blobs removed.
    public func sweep(blobGraceSeconds: Int64, batch: Int = 500) async throws -> (uploads: Int, blobs: Int) {
        var uploads = 0
        while true {
            let finished = try await store.finishedUploads(now: clock.now(), limit: batch)
            for session in finished {
                if session.state != .confirmed { await discardBytes(of: session) }
                try await store.deleteUpload(confirmKey: session.confirmKey)
            }
            uploads += finished.count
            if finished.count < batch { break }
        }
        let blobs = self.blobs
        let removed = try await store.collectUnreferencedBlobs(
            before: clock.now().adding(seconds: -blobGraceSeconds), limit: batch
        ) { try await blobs.remove(sha256: $0) }
        return (uploads, removed)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
