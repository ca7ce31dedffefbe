/// Simple uploads (spec 20 F-01, F-04.2, F-07): begin, receive the content on the data plane, confirm.
public struct UploadService<
    Store: UploadStore & NamespaceStore & TokenStore & LibraryStore & SpaceStore, Blobs: BlobStore
>: Sendable {
    public let store: Store
    public let blobs: Blobs
    public let signer: DataPlaneSigner
    public let clock: any Clock

    public init(store: Store, blobs: Blobs, signer: DataPlaneSigner, clock: any Clock = SystemClock()) {
        self.store = store
        self.blobs = blobs
        self.signer = signer
        self.clock = clock
    }

    var access: AccessService<Store> { AccessService(store: store, clock: clock) }

    static var uploadPurpose: String { "upload" }

    /// What the client needs to send the bytes (the F-01 answer without the `domain`, which HTTP knows).
    public struct Ticket: Sendable {
        public let confirmKey: String
        public let path: String
        public let authorization: String
        public let contentType: String
        public let expiration: Timestamp
    }

    /// F-01: validates the target and creates the task. The conflict check here is advisory; confirm decides.
    public func begin(
        _ caller: Caller, space spaceId: String, rawPath: Substring, strategy: ConflictStrategy, expectedSize: Int64?,
        metaData: [String: String], description: DescriptionPatch = DescriptionPatch()
    ) async throws -> Ticket {
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
        let now = clock.now()
        let session = UploadSession(
            confirmKey: UploadSession.generateKey(), libraryId: caller.library.id, spaceId: space.id,
            userId: caller.userId, path: path, strategy: strategy, expectedSize: expectedSize, metaData: metaData,
            description: fileDescription, state: .pending, staged: nil, resultInode: nil, createdAt: now,
            expiresAt: now.adding(seconds: UploadSession.pendingLifetimeSeconds))
        try await store.insertUpload(session)
        let expiration = now.adding(seconds: UploadSession.credentialLifetimeSeconds)
        return Ticket(
            confirmKey: session.confirmKey, path: "/_opensmh/up/\(session.confirmKey)",
            authorization: "OpenSMH-UP "
                + signer.sign(purpose: Self.uploadPurpose, subject: session.confirmKey, expires: expiration),
            contentType: FileKinds.contentType(of: name), expiration: expiration)
    }

    /// Data plane: checks the credential of a content PUT (403 when invalid or expired, as COS answers).
    public func authorizeContent(confirmKey: String, authorization: String?) async throws -> UploadSession {
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
        case .pending: return session
        case .confirmed: throw SMHError(.uploadComplete, "This upload is already confirmed.")
        case .aborted: throw SMHError(.uploadNotFound, "This upload was aborted.")
        }
    }

    /// F-07: idempotent. A confirmed task answers with the file it produced.
    public func confirm(
        _ caller: Caller, space spaceId: String, confirmKey: String, strategyOverride: ConflictStrategy?,
        crc64: String?,
        description: DescriptionPatch = DescriptionPatch()
    ) async throws -> (path: [String]?, node: Node, overwritten: Bool) {
        let strategy = strategyOverride
        let space = try await access.space(spaceId, for: caller, operation: .confirmUpload)
        guard UploadSession.isWellFormedKey(confirmKey), var session = try await store.upload(confirmKey: confirmKey),
            session.libraryId == caller.library.id, session.spaceId == space.id, session.state != .aborted,
            session.state == .confirmed || session.expiresAt > clock.now()
        else {
            throw SMHError(.uploadNotFound, "No such upload, or it expired.")
        }
        if session.state == .confirmed, let inode = session.resultInode {
            guard let node = try await store.node(in: space, at: session.path), node.inode == inode else {
                throw SMHError(.uploadComplete, "This upload is confirmed, and its file has moved since.")
            }
            return (session.path.components, node, false)
        }
        guard let staged = session.staged else {
            throw SMHError(.uploadIncomplete, "The content of this upload has not been received.")
        }
        if let crc64, !crc64.isEmpty, crc64 != String(staged.digest.crc64) {
            throw SMHError(.badCrc64, "The CRC-64 of the received content is \(staged.digest.crc64), not \(crc64).")
        }
        session.description = try session.description.overridden(by: description)
        let effective = strategy ?? session.strategy
        if effective == .overwrite { try caller.require(.beginUpload(overwrite: true)) }
        try MediaRules.check(caller.library, space, name: session.path.name ?? "", depth: session.path.components.count)
        // Bytes first, metadata second: a node never becomes visible before its content is under its address. If
        // the transaction then fails, the task can be confirmed again (commit is idempotent); bytes of a task that
        // never completes are left for the blob collector.
        try blobs.commit(staged)
        return try await store.confirmUpload(
            session, in: space, strategy: effective, maxNameLength: caller.library.settings.maxDirFileNameLength,
            at: clock.now())
    }
}
