import SMHCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Derived pictures (thumbnails, video covers) beside the blobs they come from:
/// `<root>/renditions/ab/cd/<sha256>/<key>.<ext>`. One folder per content, so that removing a blob removes its
/// renditions with one `rmdir`-sized step, and every file or version sharing that content shares its renditions.
///
/// A rendition is written to `<root>/renditions/tmp`, fsynced and renamed into place: a reader sees a whole picture
/// or none. Losing one in a crash costs only the time to make it again, so the folder rename is not fsynced.
public struct LocalRenditionStore: RenditionStore {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    var directory: String { root + "/renditions" }
    public var temporaryDirectory: String { directory + "/tmp" }

    /// Creates the folders and drops temporary files a crash left behind.
    public func prepare() throws {
        try POSIXFile.makeDirectories(temporaryDirectory)
        for name in POSIXFile.entries(of: temporaryDirectory) { unlink("\(temporaryDirectory)/\(name)") }
    }

    func folder(of sha256: String) throws(SMHError) -> String {
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ AddressCharacters.isLowerHex($0) }) else {
            throw SMHError(.paramInvalid, "Not a SHA-256 content address.")
        }
        return "\(directory)/\(sha256.prefix(2))/\(sha256.dropFirst(2).prefix(2))/\(sha256)"
    }

    static func checkedKey(_ key: String) throws(SMHError) -> String {
        guard !key.isEmpty, key.utf8.count <= 64,
            key.utf8.allSatisfy({ AddressCharacters.isAlphanumeric($0) || $0 == UInt8(ascii: "-") })
        else { throw SMHError(.paramInvalid, "Not a rendition key.") }
        return key
    }

    public func find(sha256: String, key: String) -> StoredRendition? {
        guard let folder = try? folder(of: sha256), let key = try? Self.checkedKey(key) else { return nil }
        for format in RenditionSpec.Format.allCases {
            let path = "\(folder)/\(key).\(format.fileExtension)"
            if let size = size(of: path) { return StoredRendition(locator: path, format: format, size: size) }
        }
        return nil
    }

    /// A fresh path for a tool to write into; `publish` moves it into place, `discard` drops it.
    public func temporaryPath(extension ext: String) -> String {
        "\(temporaryDirectory)/\(RandomToken.alphanumeric(count: 20)).\(ext)"
    }

    /// Moves a finished temporary file into place.
    @discardableResult
    public func publish(file temporary: String, sha256: String, key: String, format: RenditionSpec.Format) throws
        -> StoredRendition
    {
        let folder = try folder(of: sha256)
        let destination = "\(folder)/\(try Self.checkedKey(key)).\(format.fileExtension)"
        let size = self.size(of: temporary) ?? 0
        try POSIXFile.fsyncFile(temporary)
        try POSIXFile.makeDirectories(folder)
        if rename(temporary, destination) != 0 { throw POSIXFile.fail("rename", temporary) }
        return StoredRendition(locator: destination, format: format, size: size)
    }

    public func open(_ rendition: StoredRendition) throws -> any BlobReader {
        try LocalBlobReader(path: rendition.locator, range: nil)
    }

    public func localFile(of rendition: StoredRendition, scratch: String) -> LocalBlobFiles {
        LocalBlobFiles(paths: [rendition.locator], temporary: false)
    }

    public func discard(_ temporary: String) {
        unlink(temporary)
    }

    public func removeAll(of sha256: String) {
        guard let folder = try? folder(of: sha256), POSIXFile.exists(folder) else { return }
        LocalBlobStore.removeTree(folder)
    }

    public func owners() -> [String] {
        var result: [String] = []
        for first in POSIXFile.entries(of: directory).sorted() where first.utf8.count == 2 {
            for second in POSIXFile.entries(of: "\(directory)/\(first)").sorted() where second.utf8.count == 2 {
                for name in POSIXFile.entries(of: "\(directory)/\(first)/\(second)").sorted()
                where name.utf8.count == 64 {
                    result.append(name)
                }
            }
        }
        return result
    }

    /// Bytes of a stored rendition (for headers), or nil when missing.
    public func size(of path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }
}
