import SMHCore
import SMHTestSupport
import SQLKit
import Testing

@testable import SMHStoreSQL

/// A node read by position (the fast path for `SELECT *` on both engines) is the node read by name, whatever the
/// column order.
@Suite struct NodeDecodingTests {
    @Test func positionalAndNamedReadsAgreeOnEveryColumn() async throws {
        try await TestStore.with { store, _ async throws in
            var settings = LibrarySettings(name: "decode")
            settings.multiSpace = false
            let library = Library(
                id: .generate(), settings: settings, secretHash: SecretHash.hash("s"),
                createdAt: Timestamp(milliseconds: 1000), updatedAt: Timestamp(milliseconds: 1000))
            try await store.insertLibrary(library)
            let space = try #require(try await store.space(library: library.id, id: SpaceID("-")))
            let lib = library.id.rawValue
            let root = space.rootInode.rawValue
            try await store.transaction { db in
                // Every column away from its default, so a column read from the wrong position shows.
                try await db.raw(
                    """
                    INSERT INTO nodes (library_id, space_id, parent_id, name, kind, size, content_type, crc64, etag,
                        link_target_id, labels, category, meta, creator_user_id, created_at, updated_at,
                        local_created_at, local_modified_at, version_no, version_way, content_created_at,
                        content_created_by, latest_since)
                    VALUES (\(bind: lib), '-', \(bind: root), 'photo.jpg', 'file', 4242, 'image/jpeg', '987654321',
                        '"etag-1"', \(bind: root), '["a","b"]', 'cat', '{"k":"v"}', 'creator', 1111, 2222,
                        3333, 4444, 7, 2, 5555, 'author', 6666)
                    """
                ).run()
            }
            let columns = NodeColumn.allCases.map(\.name)
            for select in [columns.joined(separator: ", "), columns.reversed().joined(separator: ", "), "*"] {
                let rows = try await store.read { db in
                    try await db.raw("SELECT \(unsafeRaw: select) FROM nodes WHERE name = 'photo.jpg'").all()
                }
                let row = try #require(rows.first)
                #expect((row as? any PositionalSQLRow)?.columns.nodeLayout != nil)
                let byPosition = try NodeRows.decode(row)
                let byName = try NodeRows.decode(NamedNodeColumns(row: row))
                #expect(byPosition == byName)
                #expect(byPosition.name == "photo.jpg" && byPosition.size == 4242 && byPosition.kind == .file)
                #expect(byPosition.contentType == "image/jpeg" && byPosition.crc64 == "987654321")
                #expect(byPosition.eTag == "\"etag-1\"" && byPosition.labels == ["a", "b"])
                #expect(byPosition.category == "cat" && byPosition.metaData == ["k": "v"])
                #expect(byPosition.creatorUserId == "creator" && byPosition.linkTarget?.rawValue == root)
                #expect(byPosition.createdAt.milliseconds == 1111 && byPosition.updatedAt.milliseconds == 2222)
                #expect(byPosition.localTimes.created?.milliseconds == 3333)
                #expect(byPosition.localTimes.modified?.milliseconds == 4444)
                #expect(byPosition.version.number == 7 && byPosition.version.way.rawValue == 2)
                #expect(byPosition.version.contentCreatedAt.milliseconds == 5555)
                #expect(byPosition.version.contentCreatedBy == "author")
                #expect(byPosition.version.latestSince.milliseconds == 6666)
            }
            // A statement without every node column has no layout and is read by name.
            let partial = try await store.read { db in
                try await db.raw("SELECT id, name FROM nodes WHERE name = 'photo.jpg'").all()
            }
            let partialRow = try #require(partial.first as? any PositionalSQLRow)
            #expect(partialRow.columns.nodeLayout == nil)
        }
    }
}
