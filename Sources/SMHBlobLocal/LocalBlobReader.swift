import SMHCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a byte range of a committed blob with `pread`, so no shared file offset is involved.
public final class LocalBlobReader: BlobReader {
    private var fd: Int32
    private let path: String
    private var offset: Int64
    private var remaining: Int64
    public let length: Int64

    init(path: String, range: ByteRange?) throws(SMHError) {
        self.path = path
        let fd: Int32
        do {
            fd = try POSIXFile.open(path, O_RDONLY)
        } catch {
            if errno == ENOENT { throw SMHError(.fileNotFound, "The content of this file is missing.", cause: error) }
            throw error
        }
        self.fd = fd
        let size = try POSIXFile.size(fd, path: path)
        let range = range ?? ByteRange(start: 0, length: size)
        guard range.start >= 0, range.length >= 0, range.start + range.length <= size else {
            Glibc.close(fd)
            throw SMHError(
                .invalidRange, "The range \(range.start)+\(range.length) is outside a blob of \(size) bytes.")
        }
        self.offset = range.start
        self.remaining = range.length
        self.length = range.length
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remaining > 0, buffer.count > 0 else { return 0 }
        let wanted = Int(min(Int64(buffer.count), remaining))
        while true {
            let count = pread(fd, buffer.baseAddress!, wanted, off_t(offset))
            if count < 0 {
                if errno == EINTR { continue }
                throw POSIXFile.fail("pread", path)
            }
            if count == 0 {
                throw SMHError.internalError(POSIXFile.Failure(operation: "short read", path: path, errno: 0))
            }
            offset += Int64(count)
            remaining -= Int64(count)
            return count
        }
    }

    public func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }

    deinit {
        close()
    }
}
