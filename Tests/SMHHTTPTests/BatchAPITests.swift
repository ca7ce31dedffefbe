import Foundation
import Testing

/// Spec 30 §5 (B1–B3): per-item results, 200 when all succeed, 207 when some fail, no half-applied item.
@Suite struct BatchAPITests {
    @Test func batchDeleteCopyAndMove() async throws {
        try await UploadAPITests.with { f in
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
            let results = try #require(deleted.json["result"] as? [[String: Any]])
            #expect(results.map { $0["status"] as? Int } == [200, 200, 204, 404, 400])
            #expect(results[0]["path"] as? [String] == ["tmp", "a.log"])
            #expect((results[0]["recycledItemId"] as? Int ?? 0) > 0)
            #expect(results[2]["recycledItemId"] == nil)
            #expect(results[3]["code"] as? String == "FileNotFound", "the same path twice: the second fails")
            #expect(results[4]["code"] as? String == "RootDirectoryNotAllowed")
            let bin = try await f.app.call(.get, "/api/v1/recycled/\(lib)/-?access_token=\(f.token)")
            #expect(bin.json["totalNum"] as? Int == 2)

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
            let copies = try #require(copied.json["result"] as? [[String: Any]])
            #expect(copies.map { $0["status"] as? Int } == [200, 200, 204, 404, 400])
            #expect(copies[0]["path"] as? [String] == ["archive", "alpha"])
            #expect(copies[1]["path"] as? [String] == ["archive", "alpha (1)"], "later items see earlier ones")
            #expect(copies[0]["copyFrom"] as? [String] == ["projects", "alpha"])
            #expect(copies[0]["to"] as? [String] == ["archive", "alpha"])
            #expect(copies[3]["code"] as? String == "SourceFileNotFound")
            #expect(copies[3]["path"] == nil)
            #expect(copies[4]["code"] as? String == "InvalidConflictResolutionStrategy")

            let moved = try await f.app.call(
                .post, "\(batch)?move&access_token=\(f.token)",
                body:
                    #"[{"from":"readme.md","to":"docs/README.md"},{"from":"archive/readme.md","to":"archive/alpha","conflictResolutionStrategy":"ask"}]"#
            )
            #expect(moved.status == 207)
            let moves = try #require(moved.json["result"] as? [[String: Any]])
            #expect(moves[0]["status"] as? Int == 404, "files go into existing directories only")
            #expect(moves[0]["code"] as? String == "DirectoryNotFound")
            #expect(moves[1]["status"] as? Int == 409)
            let allGood = try await f.app.call(
                .post, "\(batch)?move&access_token=\(f.token)",
                body:
                    #"[{"from":"readme.md","to":"archive/README.md"},{"from":"archive/alpha (1)","to":"archive/gamma"}]"#
            )
            #expect(allGood.status == 200)
            let good = try #require(allGood.json["result"] as? [[String: Any]])
            #expect(good.map { $0["status"] as? Int } == [200, 204])
            #expect(good[1]["path"] as? [String] == ["archive", "gamma"])

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
            #expect((fileOnly.json["result"] as? [[String: Any]])?.map { $0["status"] as? Int } == [403, 200])
        }
    }
}
