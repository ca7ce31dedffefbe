/// What one pass over a blob's bytes yields: the content address and the checksums SMH reports.
public struct ContentDigest: Sendable, Hashable, Codable {
    /// The content address: lowercase hex of the chained SHA-256 of spec 20 §2.2 (`fullHash`), which is the plain
    /// SHA-256 for contents up to 1 MiB (see `ContentHasher`).
    public let sha256: String
    /// Lowercase hex MD5: the basis of a single-part `eTag`.
    public let md5: String
    public let crc64: UInt64
    public let size: Int64
    /// Lowercase hex SHA-256 of the first MiB (spec 20 §2.2); nil only for digests recorded before it was kept.
    public let beginningHash: String?

    public init(sha256: String, md5: String, crc64: UInt64, size: Int64, beginningHash: String? = nil) {
        self.sha256 = sha256
        self.md5 = md5
        self.crc64 = crc64
        self.size = size
        self.beginningHash = beginningHash
    }

    /// The quoted form SMH uses for `eTag` / `x-smh-etag` (spec 10 §1.14).
    public var eTag: String { "\"\(md5)\"" }
}
