/// Content-addressed storage of file bytes. Bytes only: reference counts live in the metadata (`BlobRegistry`).
///
/// Writing is two steps so that an upload can be received long before it is confirmed: `makeWriter()` streams
/// into a staging area and `finish()` yields a `StagedBlob`; `commit(_:)` then gives it its content address.
/// Nothing is visible under a content address until `commit` returns.
public protocol BlobStore: Sendable {
    associatedtype Writer: BlobWriter
    associatedtype Reader: BlobReader

    func makeWriter() throws -> Writer
    /// Makes a staged blob's bytes durable where they are. `commit` does it too; calling this first, outside the
    /// metadata transaction, leaves `commit` (which runs inside it) almost nothing to wait for.
    func makeDurable(_ staged: StagedBlob) throws
    /// Makes a staged blob readable under its SHA-256, its bytes durable first. Idempotent: content already present
    /// is kept.
    func commit(_ staged: StagedBlob) throws
    /// Drops a staged blob that will not be committed.
    func discard(_ staged: StagedBlob)
    /// Opens `range` of a committed blob (the whole blob when nil) for streaming.
    func open(sha256: String, range: ByteRange?) throws -> Reader
    func contains(sha256: String) -> Bool
    /// Removes a committed blob; the caller has checked that nothing references it.
    func remove(sha256: String) throws

    /// Multipart uploads (spec 20 F-02, F-04.3): each part is staged on its own under the upload's key.
    func makePartWriter(upload: String) throws -> Writer
    func openPart(upload: String, stagingKey: String) throws -> Reader
    func discardPart(upload: String, stagingKey: String)
    /// Makes the parts, in order, one blob under `address` without copying their bytes. Idempotent like `commit`.
    func commitParts(upload: String, parts: [StagedPart], address: String) throws
    /// Drops every staged part of an upload (abort, expiry).
    func discardUpload(upload: String)
}

/// A received part of a multipart upload, as the staging area keeps it.
public struct StagedPart: Sendable, Hashable, Codable {
    public let number: Int
    public let stagingKey: String
    public let size: Int64
    /// Lowercase hex MD5 of the part: its `ETag`.
    public let md5: String
    public let receivedAt: Timestamp

    public init(number: Int, stagingKey: String, size: Int64, md5: String, receivedAt: Timestamp) {
        self.number = number
        self.stagingKey = stagingKey
        self.size = size
        self.md5 = md5
        self.receivedAt = receivedAt
    }
}

/// Receives a blob's bytes in order, hashing them in the same pass.
public protocol BlobWriter: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    var bytesWritten: Int64 { get }
    /// Completes the staged bytes and returns them as a staged blob with its digest (durable only once committed).
    func finish() throws -> StagedBlob
    /// Throws the partial bytes away; also what happens to a writer that is dropped unfinished.
    func abort()
}

/// Streams a blob or a part of one.
public protocol BlobReader: AnyObject {
    /// Bytes this reader will deliver in total.
    var length: Int64 { get }
    /// Fills up to `buffer.count` bytes; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    func close()
}

/// Bytes that are durable in the staging area, not yet under their content address.
public struct StagedBlob: Sendable, Hashable {
    public let digest: ContentDigest
    /// Where the staging area keeps them; meaningful only to the store that made it.
    public let stagingKey: String

    public init(digest: ContentDigest, stagingKey: String) {
        self.digest = digest
        self.stagingKey = stagingKey
    }
}
