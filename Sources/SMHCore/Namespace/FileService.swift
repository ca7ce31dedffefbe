/// Reading files (spec 20 F-09 … F-11): find the file a path names and mint its signed download capability.
public struct FileService<Store: NamespaceStore & QuotaStore & HistoryStore & TokenStore & LibraryStore & SpaceStore>:
    Sendable
{
    public let store: Store
    public let signer: DataPlaneSigner
    public let clock: any Clock

    public init(store: Store, signer: DataPlaneSigner, clock: any Clock = SystemClock()) {
        self.store = store
        self.signer = signer
        self.clock = clock
    }

    static var downloadPurpose: String { "download" }
    /// Download URLs live two hours by default; `period` may ask for 60 … 7200 s (spec 20 F-10).
    public static var defaultPeriod: Int64 { 7200 }

    /// The file at a path, or `404 FileNotFound` (a directory is not a file on `/file/` endpoints). A link is
    /// resolved (spec 20 §3): the answer is the link presenting its file's content, with the current path of the
    /// link's immediate target (nil when that target is not reachable by path).
    public func file(_ caller: Caller, space spaceId: String, rawPath: Substring, historyId: String? = nil)
        async throws -> (path: [String], node: Node, linkTo: [String]?)
    {
        let space = try await AccessService(store: store, clock: clock).space(
            spaceId, for: caller, operation: .readContent)
        let path = try ItemPath.decode(rawTail: rawPath, leaf: .file)
        guard !path.isRoot, let node = try await store.node(in: space, at: path), node.kind != .directory else {
            throw SMHError(.fileNotFound, "File /\(path) does not exist.")
        }
        if let historyId {
            // H7: an older content of this very file (not through a link).
            guard let id = Int64(historyId), id > 0, node.kind == .file,
                let version = try await store.version(id, in: space), version.fileInode == node.inode
            else {
                throw SMHError(.directoryHistoryNotFound, "This file has no history version \(historyId).")
            }
            return (path.components, version.applied(to: node), nil)
        }
        guard node.kind == .symlink else {
            guard node.blobSha256 != nil else { throw SMHError(.fileNotFound, "File /\(path) has no content.") }
            return (path.components, node, nil)
        }
        let resolved = try await store.resolveLink(node, in: space)
        var linkTo: [String]?
        if let target = node.linkTarget { linkTo = try await store.locate(target, in: space)?.path }
        return (path.components, node.presenting(contentOf: resolved.file), linkTo)
    }

    /// F-19: a link at `rawPath` to the file (or link) at `linkTo`, in the same space.
    public func createSymlink(
        _ caller: Caller, space spaceId: String, rawPath: Substring, linkTo: String, strategy: ConflictStrategy
    ) async throws -> [String] {
        let space = try await AccessService(store: store, clock: clock).space(
            spaceId, for: caller, operation: .createSymlink(overwrite: strategy == .overwrite))
        let settings = caller.library.settings
        let path = try ItemPath.decode(rawTail: rawPath, leaf: .file, maxNameLength: settings.maxDirFileNameLength)
        guard let name = path.name else { throw SMHError(.emptyFileName, "The link name is empty.") }
        guard !linkTo.isEmpty else { throw SMHError(.paramInvalid, "linkTo is required.") }
        let targetPath: ItemPath
        do {
            targetPath = try ItemPath.parse(bodyPath: linkTo, leaf: .file)
        } catch {
            throw SMHError(.paramInvalid, "linkTo is not a valid path: \(error.message)")
        }
        try MediaRules.check(caller.library, space, name: name, depth: path.components.count)
        guard !targetPath.isRoot, let target = try await store.node(in: space, at: targetPath) else {
            throw SMHError(.sourceFileNotFound, "/\(targetPath) does not exist.")
        }
        guard target.kind != .directory else {
            throw SMHError(.symlinkToDirectoryNotAllowed, "/\(targetPath) is a directory; links lead to files only.")
        }
        let resolved = try await store.resolveLink(target, in: space)
        guard resolved.links.count + 1 <= SymlinkChain.maxLinks else {
            throw SMHError(
                .symlinkDepthLimitExceeded, "The new link would pass more than \(SymlinkChain.maxLinks) links.")
        }
        return try await store.createSymlink(
            in: space, at: path, target: target.inode, chain: resolved.links + [resolved.file.inode],
            strategy: strategy, recycleReplaced: settings.useRecycleBin, userId: caller.userId,
            maxNameLength: settings.maxDirFileNameLength, at: clock.now())
    }

    /// F-14: a file or directory by inode, with its current path; `404 FileNotFound` for an unknown inode, one in
    /// another space, or one in the recycle bin.
    public func byInode(_ caller: Caller, space spaceId: String, inode raw: String) async throws -> (
        path: [String], node: Node
    ) {
        let space = try await AccessService(store: store, clock: clock).space(
            spaceId, for: caller, operation: .readContent)
        guard let inode = Node.parseInode(raw) ?? Int64(raw).map({ Inode($0) }),
            let found = try await store.locate(inode, in: space)
        else {
            throw SMHError(.fileNotFound, "No file or directory has inode \(raw) here.")
        }
        return (found.path, try await store.presentingLink(found.node, in: space))
    }

    /// F-16: into the recycle bin when the library uses one and `permanent` is not asked, else deleted for good.
    /// Returns the recycle item id when recycled. A directory is not a file here (D-08 deletes those).
    public func delete(_ caller: Caller, space spaceId: String, rawPath: Substring, permanent: Bool) async throws
        -> Int64?
    {
        let useRecycleBin = caller.library.settings.useRecycleBin
        let space = try await AccessService(store: store, clock: clock).space(
            spaceId, for: caller, operation: .deleteFile(permanent: useRecycleBin && permanent))
        let path = try ItemPath.decode(rawTail: rawPath, leaf: .file)
        guard !path.isRoot, let node = try await store.node(in: space, at: path), node.kind != .directory else {
            throw SMHError(.fileNotFound, "File /\(path) does not exist.")
        }
        return try await store.removeSubtree(
            node, in: space, path: path, recycle: useRecycleBin && !permanent, userId: caller.userId, at: clock.now())
    }

    /// F-17: rename or move a file (or symbolic link). The target's parent must exist; `overwrite` replaces a file,
    /// which goes where F-16 would send it.
    public func move(
        _ caller: Caller, space spaceId: String, rawPath: Substring, from: String, fromSpace: String? = nil,
        strategy: ConflictStrategy
    ) async throws -> [String] {
        let (space, sourceSpace, node, target) = try await sourceAndTarget(
            caller, spaceId, rawPath, from: from, fromSpace: fromSpace, field: "from",
            operation: .moveFile(overwrite: strategy == .overwrite))
        if sourceSpace.id != space.id {
            try await store.ensureRoom(caller.library, space, adding: node.kind == .file ? node.size : 0)
        }
        return try await store.move(
            node, from: sourceSpace, in: space, to: target, strategy: strategy, createParents: false,
            recycleReplaced: caller.library.settings.useRecycleBin, userId: caller.userId,
            maxNameLength: caller.library.settings.maxDirFileNameLength, at: clock.now())
    }

    /// F-18: copy a file, sharing its content (no bytes are copied). From another space (batch copy, spec 30 B2) a
    /// link is copied as the file it leads to, since links resolve within their own space.
    public func copy(
        _ caller: Caller, space spaceId: String, rawPath: Substring, from: String, fromSpace: String? = nil,
        strategy: ConflictStrategy
    ) async throws -> [String] {
        var (space, sourceSpace, node, target) = try await sourceAndTarget(
            caller, spaceId, rawPath, from: from, fromSpace: fromSpace, field: "copyFrom",
            operation: .copyFile(overwrite: strategy == .overwrite))
        if sourceSpace.id != space.id, node.kind == .symlink {
            node = try await store.resolveLink(node, in: sourceSpace).file
        }
        try await store.ensureRoom(caller.library, space, adding: node.kind == .file ? node.size : 0)
        return try await store.copyFile(
            node, in: space, to: target, strategy: strategy, recycleReplaced: caller.library.settings.useRecycleBin,
            userId: caller.userId, maxNameLength: caller.library.settings.maxDirFileNameLength, at: clock.now())
    }

    /// The checks F-17 and F-18 share: permission, a valid target name within the media rules, and a source that is
    /// an existing entry other than a directory (in `fromSpace` when given).
    func sourceAndTarget(
        _ caller: Caller, _ spaceId: String, _ rawPath: Substring, from: String, fromSpace: String?, field: String,
        operation: Operation
    ) async throws -> (space: Space, sourceSpace: Space, source: Node, target: ItemPath) {
        let (space, sourceSpace) = try await AccessService(store: store, clock: clock).spaces(
            spaceId, source: fromSpace, for: caller, operation: operation)
        let target = try ItemPath.decode(
            rawTail: rawPath, leaf: .file, maxNameLength: caller.library.settings.maxDirFileNameLength)
        guard let name = target.name else { throw SMHError(.emptyFileName, "The file name is empty.") }
        guard !from.isEmpty else { throw SMHError(.paramInvalid, "\(field) is required.") }
        let source: ItemPath
        do {
            source = try ItemPath.parse(bodyPath: from, leaf: .file)
        } catch {
            throw SMHError(.invalidSourceFile, "\(field) is not a valid file path: \(error.message)")
        }
        guard let node = try await store.node(in: sourceSpace, at: source) else {
            throw SMHError(.sourceFileNotFound, "File /\(source) does not exist.")
        }
        guard node.kind != .directory else { throw SMHError(.invalidSourceFile, "/\(source) is a directory.") }
        try MediaRules.check(caller.library, space, name: name, depth: target.components.count)
        if caller.library.settings.libraryType == .media,
            FileKinds.fileType(of: name) != FileKinds.fileType(of: node.name)
        {
            throw SMHError(.fileTypeNotMatched, "A photo cannot become a video, nor the reverse.")
        }
        return (space, sourceSpace, node, target)
    }

    /// `/_opensmh/dl/{capability}/{name}`: the capability binds the content, the disposition and the name, and
    /// expires after `period` seconds.
    public func downloadPath(for node: Node, attachment: Bool, period: Int64 = defaultPeriod) -> String {
        let sha = node.blobSha256 ?? ""
        let name = DownloadCapability.encodeName(node.name)
        let disposition = attachment ? "a" : "i"
        let signature = signer.sign(
            purpose: Self.downloadPurpose, subject: "\(sha)|\(disposition)|\(name)",
            expires: clock.now().adding(seconds: period))
        return "/_opensmh/dl/\(sha).\(disposition).\(signature)/\(name)"
    }

    /// `/_opensmh/th/{sha}.{key}.{signature}/{name}`: a rendition (spec 20 F-12) of a content, expiring like a
    /// download link. The name is only for the browser (its extension is the rendition's format).
    public func thumbnailPath(sha256: String, key: String, name: String, period: Int64 = defaultPeriod) -> String {
        let encoded = DownloadCapability.encodeName(name)
        let signature = signer.sign(
            purpose: Self.thumbnailPurpose, subject: "\(sha256)|\(key)|\(encoded)",
            expires: clock.now().adding(seconds: period))
        return "/_opensmh/th/\(sha256).\(key).\(signature)/\(encoded)"
    }

    static var thumbnailPurpose: String { "thumbnail" }

    /// Checks a thumbnail URL's capability: the content and rendition key it grants, and when it expires.
    public func verify(thumbnail capability: String, rawName: String) -> (
        sha256: String, key: String, expires: Int64
    )? {
        let parts = capability.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0].utf8.count == 64, !parts[1].isEmpty else { return nil }
        let (sha, key) = (String(parts[0]), String(parts[1]))
        guard
            signer.verify(
                String(parts[2]), purpose: Self.thumbnailPurpose, subject: "\(sha)|\(key)|\(rawName)",
                now: clock.now()),
            let seconds = parts[2].split(separator: ".").first.flatMap({ Int64($0) })
        else { return nil }
        return (sha, key, seconds)
    }

    /// Checks a capability from a download URL; nil when it is forged, altered or expired.
    public func verify(capability: String, rawName: String) -> DownloadCapability? {
        let parts = capability.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0].utf8.count == 64, parts[1] == "a" || parts[1] == "i" else { return nil }
        let sha = String(parts[0])
        guard
            signer.verify(
                String(parts[2]), purpose: Self.downloadPurpose, subject: "\(sha)|\(parts[1])|\(rawName)",
                now: clock.now()),
            let expires = parts[2].split(separator: ".").first.flatMap({ Int64($0) })
        else { return nil }
        return DownloadCapability(
            sha256: sha, attachment: parts[1] == "a", name: PercentDecoding.decode(Substring(rawName)) ?? "download",
            expires: expires)
    }
}

/// What a verified download URL grants.
public struct DownloadCapability: Sendable, Equatable {
    public let sha256: String
    public let attachment: Bool
    public let name: String
    /// When the URL stops working, in seconds since 1970.
    public let expires: Int64

    /// Percent-encodes everything but unreserved ASCII, so the name is a safe single path segment.
    public static func encodeName(_ name: String) -> String {
        var out = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return out
    }
}
