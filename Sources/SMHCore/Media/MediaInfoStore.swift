/// Where media information is kept once read (one record per content).
public protocol MediaInfoStore: Sendable {
    /// `nil` when never read; `.some(nil)` when read and not a picture or video the engines understand.
    func mediaInfo(sha256: String) async throws -> MediaInfo??
    /// Records what was read (nil: nothing usable).
    func saveMediaInfo(sha256: String, _ info: MediaInfo?) async throws
}
