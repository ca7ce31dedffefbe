import Crypto
import SMHCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams one blob into the staging area, computing SHA-256, MD5 and CRC-64 in the same pass.
public final class LocalBlobWriter: BlobWriter {
    private let stagingDirectory: String
    private let name: String
    private var fd: Int32
    private var sha256 = SHA256()
    private var md5 = Insecure.MD5()
    private var crc64 = CRC64()
    public private(set) var bytesWritten: Int64 = 0
    private var done = false

    init(stagingDirectory: String) throws(SMHError) {
        self.stagingDirectory = stagingDirectory
        self.name = RandomToken.alphanumeric(count: 24)
        self.fd = try POSIXFile.open(
            "\(stagingDirectory)/\(name)\(LocalBlobStore.partSuffix)", O_WRONLY | O_CREAT | O_EXCL, 0o600)
    }

    private var partPath: String { "\(stagingDirectory)/\(name)\(LocalBlobStore.partSuffix)" }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!done, "write after finish or abort")
        guard !bytes.isEmpty else { return }
        try POSIXFile.writeAll(fd, bytes, path: partPath)
        sha256.update(bufferPointer: bytes)
        md5.update(bufferPointer: bytes)
        crc64.update(bytes)
        bytesWritten += Int64(bytes.count)
    }

    /// fsync, then rename `.part` to `.staged`: a crash before the rename leaves only a `.part` file, which the next
    /// start deletes; after it, the staged bytes are complete and durable.
    public func finish() throws -> StagedBlob {
        precondition(!done, "finish after finish or abort")
        done = true
        defer {
            close(fd)
            fd = -1
        }
        do {
            try POSIXFile.fsync(fd, path: partPath)
            let stagedPath = "\(stagingDirectory)/\(name)\(LocalBlobStore.stagedSuffix)"
            if rename(partPath, stagedPath) != 0 { throw POSIXFile.fail("rename", partPath) }
            try POSIXFile.fsyncDirectory(stagingDirectory)
        } catch {
            unlink(partPath)
            throw error
        }
        let digest = ContentDigest(
            sha256: sha256.finalize().hexString, md5: md5.finalize().hexString, crc64: crc64.value,
            size: bytesWritten)
        return StagedBlob(digest: digest, stagingKey: name)
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
