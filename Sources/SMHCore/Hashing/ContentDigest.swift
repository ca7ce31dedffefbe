/// What one pass over a blob's bytes yields: the content address and the checksums SMH reports.
public struct ContentDigest: Sendable, Hashable, Codable {
    /// Lowercase hex SHA-256: the content address of the blob.
    public let sha256: String
    /// Lowercase hex MD5: the basis of a single-part `eTag`.
    public let md5: String
    public let crc64: UInt64
    public let size: Int64

    public init(sha256: String, md5: String, crc64: UInt64, size: Int64) {
        self.sha256 = sha256
        self.md5 = md5
        self.crc64 = crc64
        self.size = size
    }

    /// The quoted form SMH uses for `eTag` / `x-smh-etag` (spec 10 §1.14).
    public var eTag: String { "\"\(md5)\"" }
}
