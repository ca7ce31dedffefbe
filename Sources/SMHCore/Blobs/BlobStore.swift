/// Content-addressed storage of file bytes. Bytes only: reference counts live in the metadata (`BlobRegistry`).
///
/// Writing is two steps so that an upload can be received long before it is confirmed: `makeWriter()` streams
/// into a staging area and `finish()` yields a `StagedBlob`; `commit(_:)` then gives it its content address.
/// Nothing is visible under a content address until `commit` returns.
public protocol BlobStore: Sendable {
    func makeWriter() async throws -> any BlobWriter
    /// Makes a staged blob's bytes durable where they are. `commit` does it too; calling this first, outside the
    /// metadata transaction, leaves `commit` (which runs inside it) almost nothing to wait for.
    func makeDurable(_ staged: StagedBlob) async throws
    /// Makes a staged blob readable under its SHA-256, its bytes durable first. Idempotent: content already present
    /// is kept.
    func commit(_ staged: StagedBlob) async throws
    /// Drops a staged blob that will not be committed.
    func discard(_ staged: StagedBlob) async
    /// Opens `range` of a committed blob (the whole blob when nil) for streaming.
    func open(sha256: String, range: ByteRange?) async throws -> any BlobReader
    func contains(sha256: String) async throws -> Bool
    /// Removes a committed blob (and what was derived from it); the caller has checked that nothing references it.
    func remove(sha256: String) async throws
    /// Files on this machine's disk holding a committed blob's bytes, in order, for external tools (image and video
    /// engines) that read files rather than streams. A store that keeps no local files copies the bytes into
    /// `scratch` and says the copy is temporary.
    func localFiles(of sha256: String, scratch: String) async throws -> LocalBlobFiles
    /// Every stored content address with the time (seconds) it was last written, in batches: what `smh fsck`
    /// compares with the blob records.
    func forEachStoredAddress(
        batchSize: Int, _ body: ([(address: String, modifiedSeconds: Int64)]) async throws -> Void
    ) async throws
    /// Where the bytes are, for logs (`/data/blobs`, `s3://bucket/prefix/ at http://…`).
    var displayLocation: String { get }
    /// See the extension: nil unless the store hands out URLs of its own.
    func directDownloadURL(
        sha256: String, seconds: Int, fileName: String, contentType: String, attachment: Bool
    ) -> String?

    /// Multipart uploads (spec 20 F-02, F-04.3): each part is staged on its own under the upload's key.
    func makePartWriter(upload: String) async throws -> any BlobWriter
    func openPart(upload: String, stagingKey: String) async throws -> any BlobReader
    func discardPart(upload: String, stagingKey: String) async
    /// Blocking hints, for a thread that may block, off the request path: make received bytes durable ahead of the
    /// confirm (`makeDurable`, `commit` and `commitParts` make sure of it). Stores whose writes are durable when they
    /// return do nothing.
    func writeBack(_ staged: StagedBlob)
    func writeBackPart(upload: String, stagingKey: String)
    /// Makes the parts, in order, one blob under `address`. Idempotent like `commit`.
    func commitParts(upload: String, parts: [StagedPart], address: String) async throws
    /// Drops every staged part of an upload (abort, expiry).
    func discardUpload(upload: String) async
}

extension BlobStore {
    /// A URL where a client fetches the blob from the storage itself (with `Range` if it likes), valid `seconds`;
    /// nil when the store serves bytes only through this server (the default).
    public func directDownloadURL(
        sha256: String, seconds: Int, fileName: String, contentType: String, attachment: Bool
    ) -> String? { nil }
}

/// A blob's bytes as files on local disk (see `BlobStore.localFiles`).
public struct LocalBlobFiles: Sendable {
    public let paths: [String]
    /// The files are a copy made for the caller, who deletes them when done.
    public let temporary: Bool

    public init(paths: [String], temporary: Bool) {
        self.paths = paths
        self.temporary = temporary
    }
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
///
/// `write` takes bytes at once (to disk, or into a bounded buffer); `drain` is awaited after each `write` and is
/// where a store that sends bytes over the network does so, which keeps the local path free of suspensions.
public protocol BlobWriter: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    func drain() async throws
    var bytesWritten: Int64 { get }
    /// Completes the staged bytes and returns them as a staged blob with its digest (durable only once committed).
    func finish() async throws -> StagedBlob
    /// Throws the partial bytes away; also what happens to a writer that is dropped unfinished.
    func abort() async
}

/// Streams a blob or a part of one: `fill()`, then `read(into:)`, until `read` gives 0.
public protocol BlobReader: AnyObject {
    /// Bytes this reader will deliver in total.
    var length: Int64 { get }
    /// Waits until `read(into:)` has bytes to give or the end is reached (a network read; local files never wait).
    func fill() async throws
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
