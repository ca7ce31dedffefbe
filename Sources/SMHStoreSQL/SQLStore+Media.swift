import Foundation
import SMHCore
import SQLKit

/// Media information per content (issue 13): stored beside the blob's digest, so it is read once for every file, copy
/// and version sharing the bytes, and goes when the blob goes.
extension SQLStore {
    /// `nil` when never read; `.some(nil)` when read and not a picture or video the engines understand.
    public func mediaInfo(sha256: String) async throws -> MediaInfo?? {
        try await read { db in
            guard let row = try await db.raw("SELECT media_info FROM blobs WHERE sha256 = \(bind: sha256)").first()
            else { return nil }
            guard let text = try row.decode(column: "media_info", as: String?.self) else { return nil }
            guard !text.isEmpty else { return .some(nil) }
            return .some(try? JSONDecoder().decode(MediaInfo.self, from: Data(text.utf8)))
        }
    }

    /// Records what was read (nil: nothing usable). Light: it can be read again after a crash.
    public func saveMediaInfo(sha256: String, _ info: MediaInfo?) async throws {
        let text = try info.map { try Self.encodeJSON($0) } ?? ""
        try await lightTransaction { db in
            try await db.raw("UPDATE blobs SET media_info = \(bind: text) WHERE sha256 = \(bind: sha256)").run()
        }
    }

    /// Spec 20 §1.6 `localCreationTime`: a photo's capture time becomes the default when the client sent none. Never
    /// overrides a value a client set, and changes neither the modification time nor the eTag.
    public func defaultLocalCreation(of inode: Inode, to time: Timestamp) async throws {
        try await lightTransaction { db in
            try await db.raw(
                """
                UPDATE nodes SET local_created_at = \(bind: time.milliseconds)
                WHERE id = \(bind: inode.rawValue) AND local_created_at IS NULL
                """
            ).run()
        }
    }
}
extension SQLStore: MediaInfoStore {}
