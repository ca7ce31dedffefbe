import SMHCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a byte range of a committed blob with `pread`, so no shared file offset is involved. A blob assembled
/// from the parts of a multipart upload is several files (segments) read one after the other.
public final class LocalBlobReader: BlobReader {
    struct Segment {
        let path: String
        let size: Int64
    }

    private let segments: [Segment]
    private var segmentIndex = 0
    private var fd: Int32 = -1
    /// Offset within the current segment.
    private var offset: Int64
    private var remaining: Int64
    public let length: Int64

    /// `pread` of a local file does not suspend: there is nothing to wait for.
    public func fill() {}

    convenience init(path: String, range: ByteRange?) throws(SMHError) {
        let fd = try Self.openExisting(path)
        defer { Glibc.close(fd) }
        try self.init(segments: [Segment(path: path, size: try POSIXFile.size(fd, path: path))], range: range)
    }

    init(segments: [Segment], range: ByteRange?) throws(SMHError) {
        self.segments = segments
        let size = segments.reduce(Int64(0)) { $0 + $1.size }
        let range = range ?? ByteRange(start: 0, length: size)
        guard range.start >= 0, range.length >= 0, range.start + range.length <= size else {
            throw SMHError(
                .invalidRange, "The range \(range.start)+\(range.length) is outside a blob of \(size) bytes.")
        }
        var start = range.start
        while segmentIndex < segments.count - 1 && start >= segments[segmentIndex].size {
            start -= segments[segmentIndex].size
            segmentIndex += 1
        }
        self.offset = start
        self.remaining = range.length
        self.length = range.length
    }

    static func openExisting(_ path: String) throws(SMHError) -> Int32 {
        do {
            return try POSIXFile.open(path, O_RDONLY)
        } catch {
            if errno == ENOENT { throw SMHError(.fileNotFound, "The content of this file is missing.", cause: error) }
            throw error
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remaining > 0, buffer.count > 0 else { return 0 }
        while offset >= segments[segmentIndex].size {
            closeSegment()
            segmentIndex += 1
            offset = 0
            guard segmentIndex < segments.count else {
                throw SMHError.internalError(POSIXFile.Failure(operation: "short blob", path: "", errno: 0))
            }
        }
        let segment = segments[segmentIndex]
        if fd < 0 { fd = try Self.openExisting(segment.path) }
        let wanted = Int(min(Int64(buffer.count), remaining, segment.size - offset))
        while true {
            let count = pread(fd, buffer.baseAddress!, wanted, off_t(offset))
            if count < 0 {
                if errno == EINTR { continue }
                throw POSIXFile.fail("pread", segment.path)
            }
            if count == 0 {
                throw SMHError.internalError(POSIXFile.Failure(operation: "short read", path: segment.path, errno: 0))
            }
            offset += Int64(count)
            remaining -= Int64(count)
            return count
        }
    }

    private func closeSegment() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }

    public func close() {
        closeSegment()
    }

    deinit {
        close()
    }
}
