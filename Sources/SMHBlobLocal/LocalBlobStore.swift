import SMHCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Blobs as files on local disk, addressed by SHA-256: `<root>/blobs/ab/cd/abcd…`.
///
/// Writes land in `<root>/staging` first (`.part` while streaming, `.staged` once fsynced), and only a rename puts
/// them under their address, so a reader never sees a partial blob and a crash leaves nothing half-written there.
public struct LocalBlobStore: BlobStore {
    public let root: String
    static let partSuffix = ".part"
    static let stagedSuffix = ".staged"

    var blobsDirectory: String { root + "/blobs" }
    var stagingDirectory: String { root + "/staging" }

    /// Creates the folders and deletes `.part` files left by a crash: no writer of ours can still be using them.
    public init(root: String) throws {
        self.root = root
        try POSIXFile.makeDirectories(root + "/blobs")
        try POSIXFile.makeDirectories(root + "/staging")
        for name in POSIXFile.entries(of: stagingDirectory) where name.hasSuffix(Self.partSuffix) {
            unlink("\(stagingDirectory)/\(name)")
        }
    }

    public func makeWriter() throws -> LocalBlobWriter {
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
        if POSIXFile.exists(destination) {
            unlink(source)  // content-addressed: the same bytes are already there
            return
        }
        let directory = String(destination[..<destination.lastIndex(of: "/")!])
        try POSIXFile.makeDirectories(directory)
        if rename(source, destination) != 0 {
            if errno == ENOENT && POSIXFile.exists(destination) { return }  // a concurrent commit won
            throw POSIXFile.fail("rename", source)
        }
        try POSIXFile.fsyncDirectory(directory)
    }

    public func discard(_ staged: StagedBlob) {
        if let path = try? stagedPath(staged) { unlink(path) }
    }

    public func open(sha256: String, range: ByteRange?) throws -> LocalBlobReader {
        try LocalBlobReader(path: try path(of: sha256), range: range)
    }

    public func contains(sha256: String) -> Bool {
        guard let path = try? path(of: sha256) else { return false }
        return POSIXFile.exists(path)
    }

    public func remove(sha256: String) throws {
        let path = try path(of: sha256)
        if unlink(path) != 0 && errno != ENOENT { throw POSIXFile.fail("unlink", path) }
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
