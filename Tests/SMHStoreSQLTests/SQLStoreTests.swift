import Foundation
import Logging
import SMHCore
import SMHStoreSQL
import SMHTestSupport
import SQLKit
import Testing

/// Runs on SQLite, and on PostgreSQL when SMH_TEST_POSTGRES_URL is set (the second pass of `.ci/run`).
@Suite struct SQLStoreTests {
    func makeLibrary(_ name: String, multiSpace: Bool = false) -> Library {
        var settings = LibrarySettings(name: name)
        settings.multiSpace = multiSpace
        return Library(
            id: .generate(), settings: settings, secretHash: SecretHash.hash("s"),
            createdAt: Timestamp(milliseconds: 1000), updatedAt: Timestamp(milliseconds: 1000))
    }

    @Test func migrationsAreIdempotentAcrossRestarts() async throws {
        try await TestStore.withLocation { location in
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            let first = try await location.withStore(logger: logger) { store in try await store.appliedMigrations() }
            #expect(first == [1, 2, 3, 4, 5, 6, 7])
            // Second start on the same data: nothing new to apply, data intact.
            let library = makeLibrary("kept")
            try await location.withStore(logger: logger) { store in try await store.insertLibrary(library) }
            try await location.withStore(logger: logger) { store in
                let newlyApplied = try await store.migrate()
                let applied = try await store.appliedMigrations()
                let name = try await store.library(library.id)?.settings.name
                #expect(newlyApplied == [])
                #expect(applied == [1, 2, 3, 4, 5, 6, 7])
                #expect(name == "kept")
            }
        }
    }

    @Test func aNewerSchemaIsRefused() async throws {
        try await TestStore.withLocation { location in
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            try await location.withStore(logger: logger) { store in
                try await store.transaction { db in
                    try await db.raw("INSERT INTO smh_migrations (id, name, applied_at) VALUES (99, 'future', 0)").run()
                }
            }
            // Opening migrates: an older binary stops there, naming the migration it does not know.
            let error = await #expect(throws: SQLStore.SchemaTooNew.self) {
                try await location.withStore(logger: logger) { _ in }
            }
            #expect(error.map { "\($0)" }?.contains("migration 99") == true)
        }
    }

    @Test func libraryRoundTrip() async throws {
        try await TestStore.with { store, _ async throws in
            var library = makeLibrary("one")
            library.settings.enableQuota = true
            library.settings.libraryQuota = Int64.max
            library.settings.allowFileExtName = [".txt"]
            try await store.insertLibrary(library)
            #expect(try await store.library(library.id) == library)
            #expect(try await store.library(LibraryID("smhnope")) == nil)

            var settings = library.settings
            settings.remark = "changed"
            #expect(try await store.updateLibrary(library.id, settings: settings, at: Timestamp(milliseconds: 2000)))
            #expect(try await store.library(library.id)?.settings.remark == "changed")
            #expect(
                try await store.updateLibrary(LibraryID("smhnope"), settings: settings, at: Timestamp(milliseconds: 1))
                    == false)

            #expect(
                try await store.replaceLibrarySecret(
                    library.id, secretHash: "h2", salt: nil, ifCurrent: nil, at: Timestamp(milliseconds: 3000)))
            #expect(try await store.library(library.id)?.secretHash == "h2")
            // Compare-and-swap: a replacement that expects another hash changes nothing.
            #expect(
                try await store.replaceLibrarySecret(
                    library.id, secretHash: "h3", salt: "s3", ifCurrent: "h1", at: Timestamp(milliseconds: 4000))
                    == false)
            #expect(
                try await store.replaceLibrarySecret(
                    library.id, secretHash: "h3", salt: "s3", ifCurrent: "h2", at: Timestamp(milliseconds: 4000)))
            let replaced = try await store.library(library.id)
            #expect(replaced?.secretHash == "h3" && replaced?.secretSalt == "s3")
            #expect(
                try await store.libraryTotals([library.id, LibraryID("smhnope")]) == [
                    library.id: LibraryTotals(bytes: 0, directories: 0, files: 0)
                ])

            let second = makeLibrary("two", multiSpace: true)
            try await store.insertLibrary(second)
            #expect(
                try await store.libraries().map(\.id).sorted { $0.rawValue < $1.rawValue }
                    == [library.id, second.id].sorted { $0.rawValue < $1.rawValue })
        }
    }

    @Test func singleTenantLibraryGetsSpaceDashWithARootNode() async throws {
        try await TestStore.with { store, _ async throws in
            let library = makeLibrary("single")
            try await store.insertLibrary(library)
            let rows = try await store.read { db in
                try await db.raw(
                    """
                    SELECT s.id AS space, n.kind AS kind, n.parent_id AS parent FROM spaces s
                    JOIN nodes n ON n.id = s.root_inode WHERE s.library_id = \(bind: library.id.rawValue)
                    """
                ).all()
            }
            #expect(rows.count == 1)
            #expect(try rows.first?.decode(column: "space", as: String.self) == "-")
            #expect(try rows.first?.decode(column: "kind", as: String.self) == "dir")
            #expect(try rows.first?.decode(column: "parent", as: Int64?.self) == nil)
        }
    }

    @Test func deleteRefusesContentUnlessForcedAndReleasesBlobs() async throws {
        try await TestStore.with { store, _ async throws in
            let library = makeLibrary("full")
            try await store.insertLibrary(library)
            let digest = ContentDigest(sha256: String(repeating: "a", count: 64), md5: "m", crc64: UInt64.max, size: 5)
            try await store.transaction { db in
                try await BlobRows.retain(db, digest, at: Timestamp(milliseconds: 1))
                try await db.raw(
                    """
                    INSERT INTO nodes (library_id, space_id, parent_id, name, kind, blob_sha256, size, created_at, updated_at)
                    SELECT library_id, id, root_inode, 'a.txt', 'file', \(bind: digest.sha256), 5, 1, 1
                    FROM spaces WHERE library_id = \(bind: library.id.rawValue)
                    """
                ).run()
            }
            #expect(try await store.deleteLibrary(library.id, force: false) == .notEmpty)
            #expect(try await store.library(library.id) != nil)
            #expect(try await store.deleteLibrary(library.id, force: true) == .deleted)
            #expect(try await store.library(library.id) == nil)
            #expect(try await store.deleteLibrary(library.id, force: true) == .notFound)
            let left = try await store.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM nodes").first()!.decode(column: "n", as: Int.self)
            }
            #expect(left == 0)
            #expect(try await store.read { db in try await BlobRows.refcount(db, sha256: digest.sha256) } == 0)

            let empty = makeLibrary("empty")
            try await store.insertLibrary(empty)
            #expect(try await store.deleteLibrary(empty.id, force: false) == .deleted)
        }
    }

    @Test func blobReferenceCounting() async throws {
        try await TestStore.with { store, _ async throws in
            let digest = ContentDigest(
                sha256: String(repeating: "b", count: 64), md5: "m", crc64: 11_051_210_869_376_104_954, size: 9)
            try await store.transaction { db in
                try await BlobRows.retain(db, digest, at: Timestamp(milliseconds: 1))
                try await BlobRows.retain(db, digest, at: Timestamp(milliseconds: 2))
            }
            #expect(try await store.read { db in try await BlobRows.refcount(db, sha256: digest.sha256) } == 2)
            #expect(
                try await store.transaction { db in
                    try await BlobRows.release(db, sha256: digest.sha256, at: Timestamp(milliseconds: 3))
                } == 1)
            #expect(
                try await store.transaction { db in
                    try await BlobRows.release(db, sha256: digest.sha256, at: Timestamp(milliseconds: 4))
                } == 0)
            // Never below zero.
            #expect(
                try await store.transaction { db in
                    try await BlobRows.release(db, sha256: digest.sha256, at: Timestamp(milliseconds: 5))
                } == nil)
            let row = try await store.read { db in
                try await db.raw("SELECT crc64, unreferenced_since FROM blobs WHERE sha256 = \(bind: digest.sha256)")
                    .first()!
            }
            #expect(try row.decode(column: "crc64", as: String.self) == "11051210869376104954")
            #expect(try row.decode(column: "unreferenced_since", as: Int64?.self) == 4)
        }
    }

    @Test func transactionsRollBackOnError() async throws {
        struct Boom: Error {}
        try await TestStore.with { store, _ async throws in
            let library = makeLibrary("rollback")
            await #expect(throws: Boom.self) {
                try await store.transaction { db in
                    try await db.raw(
                        "INSERT INTO libraries (id, name, multi_space, library_type, settings, secret_hash, created_at, updated_at) VALUES (\(bind: library.id.rawValue), 'x', \(bind: false), 'file', '{}', 'h', 1, 1)"
                    ).run()
                    throw Boom()
                }
            }
            #expect(try await store.libraries().isEmpty)
        }
    }

    @Test func concurrentTransactionsDoNotInterleave() async throws {
        try await TestStore.with { store, _ async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await store.insertLibrary(makeLibrary("lib\(index)"))
                    }
                }
                try await group.waitForAll()
            }
            let count = try await store.libraries().count
            #expect(count == 20)
        }
    }
}
