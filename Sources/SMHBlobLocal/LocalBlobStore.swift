import Dispatch
import SMHCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Blobs as files on local disk, addressed by their content hash: `<root>/blobs/ab/cd/abcd…`.
///
/// Writes land in `<root>/staging` first (`.part` while streaming, `.staged` once fsynced), and only a rename puts
/// them under their address, so a reader never sees a partial blob and a crash leaves nothing half-written there.
///
/// A multipart upload stages its parts in `<root>/staging/<upload>.d/`; confirming writes a `manifest` (the parts in
/// order) there and renames the whole folder to `<address>.d`: one rename, whatever the size, and no byte copied.
public struct LocalBlobStore: BlobStore {
    public let root: String
    static let partSuffix = ".part"
    static let stagedSuffix = ".staged"
    static let discardSuffix = ".discard"

    var blobsDirectory: String { root + "/blobs" }
    var stagingDirectory: String { root + "/staging" }

    /// Creates the folders and deletes `.part` files left by a crash: no writer of ours can still be using them.
    public init(root: String) throws {
        self.root = root
        try POSIXFile.makeDirectories(root + "/blobs", durable: true)
        try POSIXFile.makeDirectories(root + "/staging")
        for name in POSIXFile.entries(of: stagingDirectory) {
            if name.hasSuffix(Self.partSuffix) { unlink("\(stagingDirectory)/\(name)") }
            if name.hasSuffix(Self.discardSuffix) { Self.removeEntry("\(stagingDirectory)/\(name)") }
            if name.hasSuffix(".d") {
                for part in POSIXFile.entries(of: "\(stagingDirectory)/\(name)") where part.hasSuffix(Self.partSuffix) {
                    unlink("\(stagingDirectory)/\(name)/\(part)")
                }
            }
        }
    }

    static let manifestName = "manifest"

    func uploadDirectory(_ upload: String) throws(SMHError) -> String {
        guard !upload.isEmpty, upload.utf8.count <= 64, upload.utf8.allSatisfy({ AddressCharacters.isAlphanumeric($0) })
        else {
            throw SMHError(.paramInvalid, "Not an upload key.")
        }
        return "\(stagingDirectory)/\(upload).d"
    }

    func partPath(upload: String, stagingKey: String) throws(SMHError) -> String {
        guard stagingKey.utf8.allSatisfy({ AddressCharacters.isAlphanumeric($0) }) else {
            throw SMHError(.paramInvalid, "Not a staging key.")
        }
        return "\(try uploadDirectory(upload))/\(stagingKey)\(Self.stagedSuffix)"
    }

    public var displayLocation: String { blobsDirectory }

    public func makePartWriter(upload: String) throws -> any BlobWriter {
        let directory = try uploadDirectory(upload)
        try POSIXFile.makeDirectories(directory)
        return try LocalBlobWriter(stagingDirectory: directory, part: true)
    }

    public func openPart(upload: String, stagingKey: String) throws -> any BlobReader {
        try LocalBlobReader(path: try partPath(upload: upload, stagingKey: stagingKey), range: nil)
    }

    public func discardPart(upload: String, stagingKey: String) {
        if let path = try? partPath(upload: upload, stagingKey: stagingKey) { unlink(path) }
    }

    public func discardUpload(upload: String) {
        guard let directory = try? uploadDirectory(upload) else { return }
        Self.removeTree(directory)
    }

    public func commitParts(upload: String, parts: [StagedPart], address: String) throws {
        let directory = try uploadDirectory(upload)
        let destination = try path(of: address)
        if contains(sha256: address) {
            discardLater(directory)  // content-addressed: the same bytes are already there
            return
        }
        guard POSIXFile.exists(directory) else {
            throw SMHError.internalError(POSIXFile.Failure(operation: "parts missing", path: directory, errno: ENOENT))
        }
        // Files of replaced or late parts are not part of the blob.
        let kept = Set(parts.map { "\($0.stagingKey)\(Self.stagedSuffix)" })
        for name in POSIXFile.entries(of: directory) where !kept.contains(name) {
            unlink("\(directory)/\(name)")
        }
        // The parts' bytes must be on disk before the manifest names them (usually `writeBack` did it already).
        for name in kept { try POSIXFile.fsyncFile("\(directory)/\(name)") }
        let manifest = parts.map { "\($0.stagingKey)\(Self.stagedSuffix) \($0.size)\n" }.joined()
        let manifestPath = "\(directory)/\(Self.manifestName)"
        let fd = try POSIXFile.open(manifestPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { Glibc.close(fd) }
        let bytes = Array(manifest.utf8)
        try bytes.withUnsafeBytes { try POSIXFile.writeAll(fd, $0, path: manifestPath) }
        try POSIXFile.fsync(fd, path: manifestPath)
        try POSIXFile.fsyncDirectory(directory)
        let parent = String(destination[..<destination.lastIndex(of: "/")!])
        try POSIXFile.makeDirectories(parent, durable: true)
        if rename(directory, destination + ".d") != 0 {
            if (errno == ENOTEMPTY || errno == EEXIST) && contains(sha256: address) {
                discardLater(directory)  // a concurrent commit of the same content won
                return
            }
            throw POSIXFile.fail("rename", directory)
        }
        try POSIXFile.fsyncDirectory(parent)
    }

    /// The files of an assembled blob, in order, from its manifest.
    func segments(of address: String) throws(SMHError) -> [LocalBlobReader.Segment]? {
        let directory = try path(of: address) + ".d"
        guard let text = POSIXFile.readSmallFile("\(directory)/\(Self.manifestName)") else { return nil }
        var segments: [LocalBlobReader.Segment] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let size = Int64(fields[1]), !fields[0].contains("/") else {
                throw SMHError.internalError(
                    POSIXFile.Failure(operation: "bad manifest", path: directory, errno: 0))
            }
            segments.append(LocalBlobReader.Segment(path: "\(directory)/\(fields[0])", size: size))
        }
        return segments
    }

    /// Staged bytes that will not be kept (the same content is already stored) leave at once, by one rename, and are
    /// deleted on a queue of their own: unlinking the 128 parts of a 1 GiB upload took ~200 ms on ext4, which a
    /// confirm — running in the single writer's transaction — must not wait for. A crash leaves `.discard` entries,
    /// which the next start deletes.
    func discardLater(_ path: String) {
        let discarded = "\(stagingDirectory)/\(RandomToken.alphanumeric(count: 24))\(Self.discardSuffix)"
        guard rename(path, discarded) == 0 else {
            Self.removeEntry(path)
            return
        }
        Self.discards.async { Self.removeEntry(discarded) }
    }

    private static let discards = DispatchQueue(label: "smh.blob-discards", qos: .utility)

    /// Returns once every discard queued so far is deleted (tests).
    static func waitForDiscards() { discards.sync {} }

    /// A file, or a folder of files.
    static func removeEntry(_ path: String) {
        if unlink(path) != 0 && (errno == EISDIR || errno == EPERM) { removeTree(path) }
    }

    static func removeTree(_ directory: String) {
        for name in POSIXFile.entries(of: directory) { unlink("\(directory)/\(name)") }
        rmdir(directory)
    }

    public func makeWriter() throws -> any BlobWriter {
        try LocalBlobWriter(stagingDirectory: stagingDirectory)
    }

    func path(of sha256: String) throws(SMHError) -> String {
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ AddressCharacters.isLowerHex($0) }) else {
            throw SMHError(.paramInvalid, "Not a SHA-256 content address.")
        }
        let a = sha256.prefix(2)
        let b = sha256.dropFirst(2).prefix(2)
        return "\(blobsDirectory)/\(a)/\(b)/\(sha256)"
    }

    func stagedPath(_ staged: StagedBlob) throws(SMHError) -> String {
        guard staged.stagingKey.utf8.allSatisfy({ AddressCharacters.isAlphanumeric($0) }) else {
            throw SMHError(.paramInvalid, "Not a staging key.")
        }
        return "\(stagingDirectory)/\(staged.stagingKey)\(Self.stagedSuffix)"
    }

    public func commit(_ staged: StagedBlob) throws {
        let source = try stagedPath(staged)
        let destination = try path(of: staged.digest.sha256)
        if contains(sha256: staged.digest.sha256) {
            discardLater(source)  // content-addressed: the same bytes are already there
            return
        }
        let directory = String(destination[..<destination.lastIndex(of: "/")!])
        try POSIXFile.makeDirectories(directory, durable: true)  // usually `makeDurable` made it already
        // The bytes reach the disk before the rename that publishes them (usually `writeBack` did it already).
        try POSIXFile.fsyncFile(source)
        if rename(source, destination) != 0 {
            if errno == ENOENT && POSIXFile.exists(destination) { return }  // a concurrent commit won
            throw POSIXFile.fail("rename", source)
        }
        try POSIXFile.fsyncDirectory(directory)
    }

    /// The fsync runs on a thread of its own: concurrent confirms sync side by side, and no event loop waits. The
    /// blob's folder is made here too (durably: one more fsync when it is new), so that `commit`, which runs in the
    /// confirm's transaction on the single writer, is left with only the rename and its folder's fsync.
    public func makeDurable(_ staged: StagedBlob) async throws {
        try await Offload.run {
            try syncStaged(staged)
            let destination = try path(of: staged.digest.sha256)
            try POSIXFile.makeDirectories(
                String(destination[..<destination.lastIndex(of: "/")!]), durable: true)
        }
    }

    public func writeBack(_ staged: StagedBlob) {
        try? syncStaged(staged)
    }

    func syncStaged(_ staged: StagedBlob) throws {
        if contains(sha256: staged.digest.sha256) { return }  // commit will drop these bytes
        try POSIXFile.fsyncFile(try stagedPath(staged))
    }

    /// Starts making a received part durable, off the request path, so that the fsync of `commitParts` finds little
    /// left to do; a failure here is met again by that fsync.
    public func writeBackPart(upload: String, stagingKey: String) {
        if let path = try? partPath(upload: upload, stagingKey: stagingKey) { try? POSIXFile.fsyncFile(path) }
    }

    public func discard(_ staged: StagedBlob) {
        if let path = try? stagedPath(staged) { unlink(path) }
    }

    public func open(sha256: String, range: ByteRange?) throws -> any BlobReader {
        let single = try path(of: sha256)
        if !POSIXFile.exists(single), let segments = try segments(of: sha256) {
            return try LocalBlobReader(segments: segments, range: range)
        }
        return try LocalBlobReader(path: single, range: range)
    }

    public func contains(sha256: String) -> Bool {
        guard let path = try? path(of: sha256) else { return false }
        return POSIXFile.exists(path) || POSIXFile.exists("\(path).d/\(Self.manifestName)")
    }

    /// Every address with bytes on disk (a file, or an assembled folder), with the time it last changed (its commit is
    /// a rename), in batches of `batchSize`: what `smh fsck` compares with the blob records.
    public func forEachStoredAddress(
        batchSize: Int = 500, _ body: ([(address: String, modifiedSeconds: Int64)]) async throws -> Void
    ) async throws {
        var batch: [(address: String, modifiedSeconds: Int64)] = []
        for first in POSIXFile.entries(of: blobsDirectory).sorted() where first.utf8.count == 2 {
            for second in POSIXFile.entries(of: "\(blobsDirectory)/\(first)").sorted() where second.utf8.count == 2 {
                let directory = "\(blobsDirectory)/\(first)/\(second)"
                for name in POSIXFile.entries(of: directory).sorted() {
                    let address = name.hasSuffix(".d") ? String(name.dropLast(2)) : name
                    guard address.utf8.count == 64, address.utf8.allSatisfy({ AddressCharacters.isLowerHex($0) }),
                        let modified = POSIXFile.changedSeconds("\(directory)/\(name)")
                    else { continue }
                    batch.append((address, modified))
                    if batch.count >= batchSize {
                        try await body(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
            }
        }
        if !batch.isEmpty { try await body(batch) }
    }

    public func remove(sha256: String) throws {
        let path = try path(of: sha256)
        if unlink(path) != 0 && errno != ENOENT { throw POSIXFile.fail("unlink", path) }
        if POSIXFile.exists(path + ".d") { Self.removeTree(path + ".d") }
        // Renditions are derived from the content: they go with it.
        LocalRenditionStore(root: root).removeAll(of: sha256)
    }

    public func localFiles(of sha256: String, scratch: String) throws -> LocalBlobFiles {
        LocalBlobFiles(paths: try files(of: sha256), temporary: false)
    }

    /// The files holding a committed blob's bytes, in order: one file, or the parts of an assembled upload. What
    /// external tools (image and video engines) read instead of a stream.
    public func files(of sha256: String) throws -> [String] {
        let single = try path(of: sha256)
        if POSIXFile.exists(single) { return [single] }
        guard let segments = try segments(of: sha256) else {
            throw SMHError(.fileNotFound, "The content of this file no longer exists.")
        }
        return segments.map(\.path)
    }
}

enum AddressCharacters {
    static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerHex(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
}
