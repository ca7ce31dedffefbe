import SMHCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin, throwing wrappers over the POSIX calls the blob store needs, so every failure carries errno and path.
enum POSIXFile {
    struct Failure: Error, Sendable, CustomStringConvertible {
        let operation: String
        let path: String
        let errno: Int32
        var description: String { "\(operation) \(path): \(String(cString: strerror(errno)))" }
    }

    static func fail(_ operation: String, _ path: String) -> SMHError {
        SMHError.internalError(Failure(operation: operation, path: path, errno: errno))
    }

    static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0o644) throws(SMHError) -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        if fd < 0 { throw fail("open", path) }
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(SMHError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw fail("write", path)
            }
            offset += written
        }
    }

    static func fsync(_ fd: Int32, path: String) throws(SMHError) {
        if Glibc.fsync(fd) != 0 { throw fail("fsync", path) }
    }

    /// fsync of a file by path.
    static func fsyncFile(_ path: String) throws(SMHError) {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    /// fsync of a directory makes a rename inside it durable.
    static func fsyncDirectory(_ path: String) throws(SMHError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    /// Creates the folders of `path` that are missing. With `durable`, each one created is fsynced into its parent:
    /// a blob's fsynced rename into a new `blobs/ab/cd` would otherwise hang on a folder entry that a power loss can
    /// take away. Staging folders need no such care (nothing in them is promised before a commit syncs it).
    static func makeDirectories(_ path: String, durable: Bool = false) throws(SMHError) {
        if exists(path) { return }  // the usual case (a confirm's folder, made already by `makeDurable`): one stat
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            let parent = current.isEmpty ? "/" : current
            current += "/" + component
            if mkdir(current, 0o755) == 0 {
                guard durable else { continue }
                // A parent this process may not read (a drop-box folder above the data folder) cannot be opened to
                // sync; nothing inside the data folder is like that.
                let fd = Glibc.open(parent, O_RDONLY | O_DIRECTORY)
                guard fd >= 0 else { continue }
                defer { Glibc.close(fd) }
                try fsync(fd, path: parent)
            } else if errno != EEXIST {
                throw fail("mkdir", current)
            }
        }
    }

    /// When the path last changed, in epoch seconds: the later of its modification and status-change times, since a
    /// rename (a blob's commit) changes only the latter. Nil when the path does not exist.
    static func changedSeconds(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return max(Int64(info.st_mtim.tv_sec), Int64(info.st_ctim.tv_sec))
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    static func size(_ fd: Int32, path: String) throws(SMHError) -> Int64 {
        var info = stat()
        if fstat(fd, &info) != 0 { throw fail("fstat", path) }
        return Int64(info.st_size)
    }

    /// The whole content of a small file (a manifest), or nil when it is missing.
    static func readSmallFile(_ path: String, limit: Int = 16 << 20) -> String? {
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func entries(of directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
