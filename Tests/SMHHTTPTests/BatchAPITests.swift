import Foundation
import HTTPTypes
import SMHCore
import SMHTestSupport
import Testing

/// Spec 30 §5 (B1–B3): per-item results, 200 when all succeed, 207 when some fail, no half-applied item.
@Suite struct BatchAPITests {
    @Test func batchDeleteCopyAndMove() async throws {
        try await UploadFixture.with { f in
            let lib = f.library.id
            let batch = "/api/v1/batch/\(lib)/-"
            _ = try await f.app.call(.put, "/api/v1/directory/\(lib)/-/tmp/old?access_token=\(f.token)")
            _ = try await f.upload("tmp/a.log", Array("a".utf8))
            _ = try await f.upload("tmp/b.log", Array("bb".utf8))
            _ = try await f.upload("readme.md", Array("readme".utf8))

            let deleted = try await f.app.call(
                .post, "\(batch)?delete&access_token=\(f.token)",
                body:
                    #"[{"path":"tmp/a.log"},{"path":"tmp/old"},{"path":"tmp/b.log","permanent":1},{"path":"tmp/a.log"},{"path":"/"}]"#
            )
            #expect(deleted.status == 207)
            let results = try deleted.decoded(BatchAnswer.self).result
            #expect(results.map(\.status) == [200, 200, 204, 404, 400])
            #expect(results[0].path == ["tmp", "a.log"])
            #expect((results[0].recycledItemId ?? 0) > 0)
            #expect(results[2].recycledItemId == nil)
            #expect(results[3].code == "FileNotFound", "the same path twice: the second fails")
            #expect(results[4].code == "RootDirectoryNotAllowed")
            let bin = try await f.app.call(.get, "/api/v1/recycled/\(lib)/-?access_token=\(f.token)")
            #expect(try bin.decoded(RecycledListAnswer.self).totalNum == 2)

            _ = try await f.app.call(.put, "/api/v1/directory/\(lib)/-/projects/alpha?access_token=\(f.token)")
            _ = try await f.upload("projects/alpha/x.txt", Array("x".utf8))
            let copied = try await f.app.call(
                .post, "\(batch)?copy&access_token=\(f.token)",
                body: #"""
                    [{"copyFrom":"projects/alpha","to":"archive/alpha","conflictResolutionStrategy":"rename"},
                     {"copyFrom":"projects/alpha","to":"archive/alpha","conflictResolutionStrategy":"rename"},
                     {"copyFrom":"readme.md","to":"archive/readme.md","conflictResolutionStrategy":"overwrite"},
                     {"copyFrom":"missing.png","to":"archive/logo.png"},
                     {"copyFrom":"projects/alpha","to":"archive/beta","conflictResolutionStrategy":"overwrite"}]
                    """#)
            #expect(copied.status == 207)
            let copies = try copied.decoded(BatchAnswer.self).result
            #expect(copies.map(\.status) == [200, 200, 204, 404, 400])
            #expect(copies[0].path == ["archive", "alpha"])
            #expect(copies[1].path == ["archive", "alpha (1)"], "later items see earlier ones")
            #expect(copies[0].copyFrom == ["projects", "alpha"])
            #expect(copies[0].to == ["archive", "alpha"])
            #expect(copies[3].code == "SourceFileNotFound")
            #expect(copies[3].path == nil)
            #expect(copies[4].code == "InvalidConflictResolutionStrategy")

            let moved = try await f.app.call(
                .post, "\(batch)?move&access_token=\(f.token)",
                body:
                    #"[{"from":"readme.md","to":"docs/README.md"},{"from":"archive/readme.md","to":"archive/alpha","conflictResolutionStrategy":"ask"}]"#
            )
            #expect(moved.status == 207)
            let moves = try moved.decoded(BatchAnswer.self).result
            #expect(moves[0].status == 404, "files go into existing directories only")
            #expect(moves[0].code == "DirectoryNotFound")
            #expect(moves[1].status == 409)
            let allGood = try await f.app.call(
                .post, "\(batch)?move&access_token=\(f.token)",
                body:
                    #"[{"from":"readme.md","to":"archive/README.md"},{"from":"archive/alpha (1)","to":"archive/gamma"}]"#
            )
            #expect(allGood.status == 200)
            let good = try allGood.decoded(BatchAnswer.self).result
            #expect(good.map(\.status) == [200, 204])
            #expect(good[1].path == ["archive", "gamma"])

            for (query, body, code) in [
                ("?access_token=\(f.token)", "[]", "ParamInvalid"),
                ("?delete&copy&access_token=\(f.token)", "[]", "ParamInvalid"),
                ("?delete&access_token=\(f.token)", "[]", "NoItemsProvided"),
                ("?delete&access_token=\(f.token)", #"{"path":"x"}"#, "ParamInvalid"),
                ("?delete&access_token=\(f.token)", #"[{"permanent":true}]"#, "ParamInvalid"),
                (
                    "?delete&access_token=\(f.token)",
                    "[" + Array(repeating: #"{"path":"x"}"#, count: 1001).joined(separator: ",") + "]", "TooManyItems"
                ),
            ] {
                let refused = try await f.app.call(.post, "\(batch)\(query)", body: body)
                #expect(refused.status == 400, "\(query) \(body.prefix(30))")
                #expect(refused.code == code, "\(query) \(body.prefix(30))")
            }
            let mover = try await f.app.token(f.library, "grant=move_file")
            let noDelete = try await f.app.call(
                .post, "\(batch)?delete&access_token=\(mover)", body: #"[{"path":"docs"}]"#)
            #expect(noDelete.status == 403)
            #expect(noDelete.code == "NoPermission")
            let fileOnly = try await f.app.call(
                .post, "\(batch)?move&access_token=\(mover)",
                body:
                    #"[{"from":"archive/gamma","to":"archive/delta"},{"from":"archive/README.md","to":"archive/r.md"}]"#
            )
            #expect(fileOnly.status == 207)
            #expect(try fileOnly.decoded(BatchAnswer.self).result.map(\.status) == [403, 200])
        }
    }

    /// B2 `copyFromSpaceId` and B3 `fromSpaceId`: across spaces of one library, admin or space_admin on both.
    @Test func acrossSpaces() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let lib = library.id
            let a = try await app.createSpace(lib, token: library.admin)
            let b = try await app.createSpace(lib, token: library.admin)
            func upload(_ space: String, _ path: String, _ text: String) async throws {
                let begun = try await app.call(
                    .put, "/api/v1/file/\(lib)/\(space)/\(path)?access_token=\(library.admin)")
                let f = UploadFixture(app: app, library: (lib, library.secret), token: library.admin)
                _ = try await f.send(begun, Array(text.utf8))
                let key = try begun.decoded(BeginUploadAnswer.self).confirmKey
                let confirmed = try await app.call(
                    .post, "/api/v1/file/\(lib)/\(space)/\(key)?confirm&access_token=\(library.admin)")
                #expect(confirmed.status == 200, "\(path): \(confirmed.text)")
            }
            func used(_ space: String) async throws -> Int64? {
                try await app.store.usedBytes(library: LibraryID(lib), spaces: [SpaceID(space)])
            }
            for (space, directory) in [(a, "docs/sub"), (b, "in")] {
                _ = try await app.call(
                    .put, "/api/v1/directory/\(lib)/\(space)/\(directory)?access_token=\(library.admin)")
            }
            try await upload(a, "docs/a.txt", "hello")
            try await upload(a, "docs/sub/b.txt", "abc")
            try await upload(a, "docs/old.txt", "old!")
            _ = try await app.call(
                .put, "/api/v1/file/\(lib)/\(a)/docs/link.txt?access_token=\(library.admin)",
                body: #"{"linkTo":"docs/a.txt"}"#)
            let recycled = try await app.call(
                .delete, "/api/v1/file/\(lib)/\(a)/docs/old.txt?access_token=\(library.admin)")
            let recycledId = try recycled.decoded(RecycledAnswer.self).recycledItemId
            #expect(try await used(a) == 12)

            let copy = try await app.call(
                .post, "/api/v1/batch/\(lib)/\(b)?copy&access_token=\(library.admin)",
                body: """
                    [{"copyFromSpaceId":"\(a)","copyFrom":"docs/a.txt","to":"in/a.txt"},
                     {"copyFromSpaceId":"\(a)","copyFrom":"docs/sub","to":"in/sub"},
                     {"copyFromSpaceId":"\(a)","copyFrom":"docs/link.txt","to":"in/link.txt"},
                     {"copyFromSpaceId":"\(a)","copyFrom":"docs/a.txt","to":"in/a.txt"},
                     {"copyFromSpaceId":"nope","copyFrom":"docs/a.txt","to":"in/x.txt"},
                     {"copyFromLibraryId":"other","copyFrom":"docs/a.txt","to":"in/y.txt"}]
                    """)
            #expect(copy.status == 207)
            let copied = try copy.decoded(BatchAnswer.self).result
            #expect(copied.map(\.status) == [200, 204, 200, 200, 404, 403])
            #expect(copied[3].path == ["in", "a (1).txt"])
            #expect(copied[4].code == "SpaceNotFound")
            #expect(copied[5].code == "NoPermission")
            let link = try await app.call(
                .get, "/api/v1/directory/\(lib)/\(b)/in/link.txt?info&access_token=\(library.admin)")
            #expect(try link.decoded(NodeAnswer.self).type == "file", "a link is copied as the file it leads to")
            #expect(try link.decoded(NodeAnswer.self).size == "5")
            #expect(try await used(b) == 5 + 3 + 5 + 5)
            #expect(try await used(a) == 12)

            // D-07 (P2): one directory copied from another space, answered as D-06.
            let crossSpace = "/api/v1/cross-space/directory/\(lib)/\(b)/copy/from%20a?access_token=\(library.admin)"
            let single = try await app.call(
                .put, crossSpace + "&conflict_resolution_strategy=rename",
                body: #"{"copyFrom":"docs","copyFromSpaceId":"\#(a)"}"#)
            #expect(single.status == 200, "\(single.text)")
            #expect(try single.decoded(CreatedAnswer.self).path == ["from a"])
            let inside = try await app.call(
                .get, "/api/v1/directory/\(lib)/\(b)/from%20a/sub/b.txt?info&access_token=\(library.admin)")
            #expect(try inside.decoded(NodeAnswer.self).size == "3")
            let copiedLink = try await app.call(
                .get, "/api/v1/directory/\(lib)/\(b)/from%20a/link.txt?info&access_token=\(library.admin)")
            #expect(try copiedLink.decoded(NodeAnswer.self).type == "file", "links inside are copied as their files")
            #expect(try copiedLink.decoded(NodeAnswer.self).size == "5")
            #expect(try await app.call(.put, crossSpace, body: #"{"copyFrom":"docs/sub"}"#).code == "ParamInvalid")
            #expect(try await used(b) == 18 + 13)

            // A token without space_admin on both spaces may not cross.
            let copier = try await app.token((lib, library.secret), "grant=copy_file,copy_directory&space_id=\(a),\(b)")
            let refused = try await app.call(
                .post, "/api/v1/batch/\(lib)/\(b)?copy&access_token=\(copier)",
                body: #"[{"copyFromSpaceId":"\#(a)","copyFrom":"docs/a.txt","to":"in/z.txt"}]"#)
            #expect(refused.status == 207, "\(refused.text)")
            #expect(try refused.decoded(BatchAnswer.self).result.first?.code == "NoPermission")

            // A move takes the subtree with its recycled items and its bytes.
            let move = try await app.call(
                .post, "/api/v1/batch/\(lib)/\(b)?move&access_token=\(library.admin)",
                body: #"[{"fromSpaceId":"\#(a)","from":"docs","to":"moved/docs"}]"#)
            #expect(move.status == 200, "\(move.text)")
            #expect(
                try await app.call(.get, "/api/v1/directory/\(lib)/\(a)/docs?access_token=\(library.admin)").status
                    == 404)
            let moved = try await app.call(
                .get, "/api/v1/directory/\(lib)/\(b)/moved/docs/sub/b.txt?info&access_token=\(library.admin)")
            #expect(try moved.decoded(NodeAnswer.self).size == "3")
            #expect(try await used(a) == 0)
            #expect(try await used(b) == 31 + 12)
            for space in [a, b] {
                let stored = try await app.store.storedEntries(library: LibraryID(lib), space: SpaceID(space))
                let recounted = try await app.store.recountedEntries(library: LibraryID(lib), space: SpaceID(space))
                #expect(stored == recounted, "the entry counters follow a subtree across spaces")
            }
            let binA = try await app.call(.get, "/api/v1/recycled/\(lib)/\(a)?access_token=\(library.admin)")
            #expect(try binA.decoded(RecycledListAnswer.self).contents.isEmpty)
            let restored = try await app.call(
                .post,
                "/api/v1/recycled/\(lib)/\(b)/\(recycledId)?restore&restore_path_strategy=fallbackToRoot"
                    + "&access_token=\(library.admin)")
            #expect(restored.status == 200, "\(restored.text)")
            let back = try await app.call(
                .get, "/api/v1/directory/\(lib)/\(b)/old.txt?info&access_token=\(library.admin)")
            #expect(try back.decoded(NodeAnswer.self).size == "4")
            let (report, _) = try await app.store.recount()
            #expect(report.isClean, "\(report)")
        }
    }

    /// Issue 15: the Java SDK sends `"permanent":"1"`; string flags are honoured, and a bad flag names its field.
    @Test func batchDeleteTakesStringFlags() async throws {
        try await UploadFixture.with { f in
            let lib = f.library.id
            for name in ["s1.txt", "s0.txt", "st.txt", "sf.txt"] { _ = try await f.upload(name, Array("s".utf8)) }
            let deleted = try await f.app.call(
                .post, "/api/v1/batch/\(lib)/-?delete&access_token=\(f.token)",
                body:
                    #"[{"path":"s1.txt","permanent":"1"},{"path":"s0.txt","permanent":"0"},{"path":"st.txt","permanent":"true"},{"path":"sf.txt","permanent":"false"}]"#
            )
            #expect(deleted.status == 200)
            let results = try deleted.decoded(BatchAnswer.self).result
            #expect(results.map(\.status) == [204, 200, 204, 200])
            #expect(results.map { $0.recycledItemId != nil } == [false, true, false, true])
            let bin = try await f.app.call(.get, "/api/v1/recycled/\(lib)/-?access_token=\(f.token)")
            #expect(
                try bin.decoded(RecycledListAnswer.self).totalNum == 2,
                "only the \"0\" and \"false\" items went to the recycle bin")

            let refused = try await f.app.call(
                .post, "/api/v1/batch/\(lib)/-?delete&access_token=\(f.token)",
                body: #"[{"path":"x.txt","permanent":"yes"}]"#)
            #expect(refused.status == 400)
            #expect(refused.code == "ParamInvalid")
            #expect(try refused.decoded(ErrorAnswer.self).message.hasPrefix("permanent ") == true)
        }
    }

    /// Issue 15: a bad id in an id array is reported as an id, not as a `size`.
    @Test func badIdsInIdArraysAreNamedAsIds() async throws {
        try await UploadFixture.with { f in
            let lib = f.library.id
            let q = "access_token=\(f.token)"
            for body in [#"["abc"]"#, "[null]", #"[1, 2.5]"#] {
                for (method, uri) in [
                    (HTTPRequest.Method.post, "/api/v1/directory-history/\(lib)/-/delete?\(q)"),
                    (.post, "/api/v1/recycled/\(lib)/-?restore&\(q)"),
                    (.post, "/api/v1/recycled/\(lib)/-?delete&\(q)"),
                    (.delete, "/api/v1/recycled/\(lib)/-?delete&\(q)"),
                ] {
                    let reply = try await f.app.call(method, uri, body: body)
                    #expect(reply.status == 400, "\(method) \(uri) \(body)")
                    #expect(reply.code == "ParamInvalid", "\(method) \(uri) \(body)")
                    let message = try reply.decoded(ErrorAnswer.self).message
                    #expect(message.contains("id") && !message.contains("size"), "\(uri): \(message)")
                }
            }
        }
    }
}
