import Crypto
import SMHCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams one blob into the staging area, computing its address and checksums in the same pass.
public final class LocalBlobWriter: BlobWriter {
    private let stagingDirectory: String
    private let name: String
    private var fd: Int32
    private var hasher = ContentHasher()
    /// Parts of a multipart upload need only their own MD5 (their `ETag`); the whole is hashed when assembled.
    private let part: Bool
    private var partMD5 = Insecure.MD5()
    public private(set) var bytesWritten: Int64 = 0
    private var done = false
    /// Bytes not yet hashed: whole blobs are hashed in runs of this size, MD5 beside SHA-256 and CRC-64 on two
    /// threads (`ContentHasher.updateConcurrently`), which halves the time a request spends hashing. Bounded, so
    /// memory stays constant in the file size.
    private var pending: [UInt8] = []
    static let hashRun = 512 * 1024

    init(stagingDirectory: String, part: Bool = false) throws(SMHError) {
        self.stagingDirectory = stagingDirectory
        self.part = part
        self.name = RandomToken.alphanumeric(count: 24)
        self.fd = try POSIXFile.open(
            "\(stagingDirectory)/\(name)\(LocalBlobStore.partSuffix)", O_WRONLY | O_CREAT | O_EXCL, 0o600)
    }

    private var partPath: String { "\(stagingDirectory)/\(name)\(LocalBlobStore.partSuffix)" }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!done, "write after finish or abort")
        guard !bytes.isEmpty else { return }
        try POSIXFile.writeAll(fd, bytes, path: partPath)
        bytesWritten += Int64(bytes.count)
        if part {
            partMD5.update(bufferPointer: bytes)
            return
        }
        if pending.isEmpty && bytes.count >= Self.hashRun {
            hasher.updateConcurrently(bytes)
            return
        }
        pending.append(contentsOf: bytes)
        if pending.count >= Self.hashRun { flushHash() }
    }

    /// Bytes go to the file in `write`: nothing is left to wait for.
    public func drain() {}

    private func flushHash() {
        pending.withUnsafeBytes { hasher.updateConcurrently($0) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Renames `.part` to `.staged`: the bytes are complete under their staging name. They are made durable by
    /// `LocalBlobStore.commit`/`commitParts`, which fsync them before the rename that publishes them; until a confirm
    /// nothing promises them to anyone (the task's record of them is not durable either), so the upload does not wait
    /// for the disk here. The data plane starts that fsync early, off the request (`makeDurable`, `writeBackPart`).
    public func finish() throws -> StagedBlob {
        precondition(!done, "finish after finish or abort")
        done = true
        defer {
            close(fd)
            fd = -1
        }
        if !pending.isEmpty { flushHash() }
        let stagedPath = "\(stagingDirectory)/\(name)\(LocalBlobStore.stagedSuffix)"
        if rename(partPath, stagedPath) != 0 {
            unlink(partPath)
            throw POSIXFile.fail("rename", partPath)
        }
        if part {
            // Only size and MD5 mean anything for a part.
            let md5 = Array(partMD5.finalize()).hexString
            return StagedBlob(
                digest: ContentDigest(sha256: "", md5: md5, crc64: 0, size: bytesWritten), stagingKey: name)
        }
        return StagedBlob(digest: hasher.finalize(), stagingKey: name)
    }

    public func abort() {
        guard !done else { return }
        done = true
        close(fd)
        fd = -1
        unlink(partPath)
    }

    deinit {
        abort()
    }
}
