/// Where renditions (thumbnails, video covers) are kept once made: beside the blobs, in the data folder or the
/// bucket, so that every instance finds what any instance made. Keyed by (content SHA-256, rendition key).
public protocol RenditionStore: Sendable {
    /// The stored rendition of a content under a key, whichever format it was made in.
    func find(sha256: String, key: String) async -> StoredRendition?
    /// Stores a finished file made on this machine under its content and key; the file is consumed.
    func publish(file: String, sha256: String, key: String, format: RenditionSpec.Format) async throws
        -> StoredRendition
    func open(_ rendition: StoredRendition) async throws -> any BlobReader
    /// A file on this machine with the rendition's bytes, for an engine to read (temporary copies are the caller's
    /// to delete).
    func localFile(of rendition: StoredRendition, scratch: String) async throws -> LocalBlobFiles
    /// Removes every rendition of a content (the blob is gone).
    func removeAll(of sha256: String) async
    /// Every content address that has renditions, for `smh fsck` to compare with the blobs that exist.
    func owners() async throws -> [String]
}

/// A rendition as its store keeps it: `locator` means something only to that store (a path, an object key).
public struct StoredRendition: Sendable, Equatable {
    public let locator: String
    public let format: RenditionSpec.Format
    public let size: Int64

    public init(locator: String, format: RenditionSpec.Format, size: Int64) {
        self.locator = locator
        self.format = format
        self.size = size
    }
}
