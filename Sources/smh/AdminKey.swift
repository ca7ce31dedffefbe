import Foundation
import SMHCore
import SMHStoreSQL

/// Resolves the admin key's hash at start-up.
///
/// A key given by `--admin-key` or `SMH_ADMIN_KEY` wins. Without one, the first start generates a key, prints it
/// once, and keeps only its hash in `<data-dir>/admin-key.sha256`, so later starts accept the same key and a fresh
/// machine needs no set-up step before `smh serve`. On PostgreSQL the hash is kept in the database instead, so that
/// every instance sharing it accepts the key the first one generated.
enum AdminKey {
    static let minimumLength = 16

    static func resolveHash(given: String?, dataDirectory: String) throws -> (hash: String, announcement: String?) {
        if let given {
            guard given.count >= minimumLength else {
                throw AdminKeyError(
                    "The admin key must be at least \(minimumLength) characters (got \(given.count)). "
                        + "Set SMH_ADMIN_KEY or --admin-key, or leave both unset to have one generated.")
            }
            return (SecretHash.hash(given), nil)
        }
        let path = dataDirectory + "/admin-key.sha256"
        if let stored = try? String(contentsOfFile: path, encoding: .utf8) {
            let hash = stored.trimmingCharacters(in: .whitespacesAndNewlines)
            if hash.count == 64 {
                return (hash, "Using the admin key generated on first start (its hash is in \(path)).")
            }
        }
        let key = "adm" + RandomToken.alphanumeric(count: 40)
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        try (SecretHash.hash(key) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        _ = chmod(path, 0o600)
        return (
            SecretHash.hash(key),
            """
            Generated an admin key. It is shown only this once; only its hash is kept, in \(path).
                SMH_ADMIN_KEY=\(key)
            Use it as 'Authorization: Bearer <key>' on /admin/v1. Delete that file to generate a new one.
            """
        )
    }
}

extension AdminKey {
    static func resolveHash(in store: SQLStore) async throws -> (hash: String, announcement: String?) {
        let key = "adm" + RandomToken.alphanumeric(count: 40)
        let hash = SecretHash.hash(key)
        let stored = try await store.sharedSetting("admin_key_hash") { hash }
        guard stored == hash else {
            return (stored, "Using the admin key generated on first start (its hash is in the database).")
        }
        return (
            hash,
            """
            Generated an admin key. It is shown only this once; only its hash is kept, in the database, and every
            instance on that database accepts it:
                SMH_ADMIN_KEY=\(key)
            Use it as 'Authorization: Bearer <key>' on /admin/v1.
            """
        )
    }
}

struct AdminKeyError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
