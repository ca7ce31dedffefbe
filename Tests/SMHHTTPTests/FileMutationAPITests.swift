import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SMHCore
import SMHStoreSQL
import SMHTestSupport
import SQLKit
import Testing

/// Spec 20 F-16 (delete file) and F-17 (rename or move file).
@Suite struct FileMutationAPITests {
    func names(_ f: UploadFixture, _ path: String) async throws -> [String] {
        let reply = try await f.app.call(.get, "/api/v1/directory/\(f.library.id)/-/\(path)?access_token=\(f.token)")
        return try reply.decoded(ListingAnswer.self).contents.map(\.name)
    }

    func usedBytes(_ f: UploadFixture) async throws -> String? {
        try await f.app.call(.get, "/api/v1/space/\(f.library.id)/-/size?access_token=\(f.token)")
            .decoded(SizeAnswer.self).size
    }

    /// A PUT body names one action: several at once are ambiguous and refused before anything happens.
    @Test func aBodyWithSeveralActionsIsRefused() async throws {
        try await UploadFixture.with { f in
            _ = try await f.upload("a.txt", Array("alpha".utf8))
            let file = "/api/v1/file/\(f.library.id)/-/b.txt?access_token=\(f.token)"
            for body in [#"{"from":"a.txt","copyFrom":"a.txt"}"#, #"{"linkTo":"a.txt","fromTemplate":""}"#] {
                let reply = try await f.app.call(.put, file, body: body)
                #expect(reply.status == 400 && reply.code == "ParamInvalid", "\(body): \(reply.text)")
            }
            let template = try await f.app.call(.put, file, body: #"{"fromTemplate":"x"}"#)
            #expect(template.status == 501 && template.code == "FunctionNotEnabled")
            let directory = try await f.app.call(
                .put, "/api/v1/directory/\(f.library.id)/-/d?access_token=\(f.token)",
                body: #"{"from":"x","copyFrom":"y"}"#)
            #expect(directory.status == 400 && directory.code == "ParamInvalid")
            #expect(try await names(f, "") == ["a.txt"], "nothing was created")
        }
    }

    @Test func deleteIntoTheRecycleBinThenForGood() async throws {
        try await UploadFixture.with { f in
            _ = try await f.upload("a.txt", Array("alpha".utf8))
            _ = try await f.upload("b.txt", Array("bravo".utf8))
            let file = "/api/v1/file/\(f.library.id)/-"
            let recycled = try await f.app.call(.delete, "\(file)/a.txt?access_token=\(f.token)")
            #expect(recycled.status == 200)
            #expect(try (recycled.decoded(RecycledAnswer.self).recycledItemId ?? 0) > 0)
            #expect(try await names(f, "") == ["b.txt"])
            #expect(try await usedBytes(f) == "10", "the recycle bin still counts toward usage")

            let gone = try await f.app.call(.delete, "\(file)/b.txt?access_token=\(f.token)&permanent=1")
            #expect(gone.status == 204)
            #expect(try await usedBytes(f) == "5", "a permanent delete frees the space at once")
            let sha = SHA256.hash(data: Array("bravo".utf8)).hexString
            #expect(try await f.app.store.read { db in try await BlobRows.refcount(db, sha256: sha) } == 0)

            #expect(try await f.app.call(.delete, "\(file)/b.txt?access_token=\(f.token)").code == "FileNotFound")
            _ = try await f.app.call(.put, "/api/v1/directory/\(f.library.id)/-/dir?access_token=\(f.token)")
            #expect(try await f.app.call(.delete, "\(file)/dir?access_token=\(f.token)").code == "FileNotFound")

            _ = try await f.upload("c.txt", [1])
            let deleter = try await f.app.token(f.library, "grant=delete_file")
            let refused = try await f.app.call(.delete, "\(file)/c.txt?access_token=\(deleter)&permanent=1")
            #expect(refused.code == "NoPermission")
            #expect(try await f.app.call(.delete, "\(file)/c.txt?access_token=\(deleter)").status == 200)
        }
    }

    @Test func moveAndRenameFiles() async throws {
        try await UploadFixture.with { f in
            _ = try await f.upload("doc.txt", Array("one".utf8))
            _ = try await f.app.call(.put, "/api/v1/directory/\(f.library.id)/-/folder?access_token=\(f.token)")
            let file = "/api/v1/file/\(f.library.id)/-"
            let inode =
                try await f.app.call(
                    .get, "/api/v1/directory/\(f.library.id)/-/doc.txt?info&with_inode=1&access_token=\(f.token)"
                ).decoded(NodeAnswer.self).inode

            let moved = try await f.app.call(
                .put, "\(file)/folder/renamed.txt?access_token=\(f.token)", body: #"{"from":"/doc.txt"}"#)
            #expect(moved.status == 200)
            #expect(try moved.decoded(CreatedAnswer.self).path == ["folder", "renamed.txt"])
            let info = try await f.app.call(
                .get, "/api/v1/directory/\(f.library.id)/-/folder/renamed.txt?info&with_inode=1&access_token=\(f.token)"
            )
            #expect(try info.decoded(NodeAnswer.self).inode == inode)
            #expect(try await names(f, "") == ["folder"])

            _ = try await f.upload("folder/other.txt", Array("two".utf8))
            let renamed = try await f.app.call(
                .put, "\(file)/folder/renamed.txt?access_token=\(f.token)", body: #"{"from":"folder/other.txt"}"#)
            #expect(
                try renamed.decoded(CreatedAnswer.self).path == ["folder", "renamed (1).txt"], "rename is the default")
            let ask = try await f.app.call(
                .put, "\(file)/folder/renamed.txt?access_token=\(f.token)&conflict_resolution_strategy=ask",
                body: #"{"from":"folder/renamed (1).txt"}"#)
            #expect(ask.code == "SameNameDirectoryOrFileExists")
            let overwrite = try await f.app.call(
                .put, "\(file)/folder/renamed.txt?access_token=\(f.token)&conflict_resolution_strategy=overwrite",
                body: #"{"from":"folder/renamed (1).txt"}"#)
            #expect(overwrite.status == 200)
            #expect(try await names(f, "folder") == ["renamed.txt"])
            let content = try await f.app.call(.get, "\(file)/folder/renamed.txt?info&access_token=\(f.token)")
            #expect(try content.decoded(NodeAnswer.self).size == "3")
            #expect(
                try content.decoded(NodeAnswer.self).eTag
                    == "\"\(Insecure.MD5.hash(data: Array("two".utf8)).hexString)\"")

            let itself = try await f.app.call(
                .put, "\(file)/folder/renamed.txt?access_token=\(f.token)", body: #"{"from":"folder/renamed.txt"}"#)
            #expect(try itself.decoded(CreatedAnswer.self).path == ["folder", "renamed.txt"])
            #expect(
                try await f.app.call(.put, "\(file)/x.txt?access_token=\(f.token)", body: #"{"from":"nope.txt"}"#).code
                    == "SourceFileNotFound")
            #expect(
                try await f.app.call(.put, "\(file)/x.txt?access_token=\(f.token)", body: #"{"from":"folder"}"#).code
                    == "InvalidSourceFile")
            #expect(
                try await f.app.call(.put, "\(file)/x.txt?access_token=\(f.token)", body: #"{"from":""}"#).code
                    == "ParamInvalid")
            let noParent = try await f.app.call(
                .put, "\(file)/missing/x.txt?access_token=\(f.token)", body: #"{"from":"folder/renamed.txt"}"#)
            #expect(noParent.code == "DirectoryNotFound", "\(noParent.text)")
            #expect(
                try await f.app.call(
                    .put, "\(file)/folder?access_token=\(f.token)&conflict_resolution_strategy=overwrite",
                    body: #"{"from":"folder/renamed.txt"}"#
                ).code == "SameNameDirectoryOrFileExists")

            let mover = try await f.app.token(f.library, "grant=move_file")
            let noForce = try await f.app.call(
                .put, "\(file)/y.txt?access_token=\(mover)&conflict_resolution_strategy=overwrite",
                body: #"{"from":"folder/renamed.txt"}"#)
            #expect(noForce.code == "NoPermission")
            #expect(
                try await f.app.call(
                    .put, "\(file)/y.txt?access_token=\(mover)", body: #"{"from":"folder/renamed.txt"}"#
                ).status == 200)
        }
    }

    @Test func copySharesTheContent() async throws {
        try await UploadFixture.with { f in
            _ = try await f.upload("a.txt", Array("shared".utf8))
            let file = "/api/v1/file/\(f.library.id)/-"
            let sha = SHA256.hash(data: Array("shared".utf8)).hexString
            let copied = try await f.app.call(
                .put, "\(file)/b.txt?access_token=\(f.token)", body: #"{"copyFrom":"a.txt"}"#)
            #expect(copied.status == 200)
            #expect(try copied.decoded(CreatedAnswer.self).path == ["b.txt"])
            #expect(try await f.app.store.read { db in try await BlobRows.refcount(db, sha256: sha) } == 2)
            #expect(try await usedBytes(f) == "12", "a copy is charged")
            let a = try await f.app.call(.get, "\(file)/a.txt?info&access_token=\(f.token)")
            let b = try await f.app.call(.get, "\(file)/b.txt?info&access_token=\(f.token)")
            #expect(try a.decoded(NodeAnswer.self).eTag == b.decoded(NodeAnswer.self).eTag)
            #expect(try a.decoded(NodeAnswer.self).crc64 == b.decoded(NodeAnswer.self).crc64)
            let inodes = try await f.app.call(
                .get, "/api/v1/directory/\(f.library.id)/-?with_inode=1&access_token=\(f.token)")
            let ids = try inodes.decoded(ListingAnswer.self).contents.compactMap(\.inode)
            #expect(Set(ids).count == 2, "the copy has an inode of its own")

            let onto = try await f.app.call(
                .put, "\(file)/a.txt?access_token=\(f.token)", body: #"{"copyFrom":"a.txt"}"#)
            #expect(
                try onto.decoded(CreatedAnswer.self).path == ["a (1).txt"], "copying onto the source renames (spec 00)")
            let ask = try await f.app.call(
                .put, "\(file)/a.txt?access_token=\(f.token)&conflict_resolution_strategy=ask",
                body: #"{"copyFrom":"a.txt"}"#)
            #expect(ask.code == "SameNameDirectoryOrFileExists")

            // Deleting one copy for good keeps the content of the others.
            #expect(try await f.app.call(.delete, "\(file)/a.txt?access_token=\(f.token)&permanent=1").status == 204)
            #expect(try await f.app.store.read { db in try await BlobRows.refcount(db, sha256: sha) } == 2)
            let url =
                try await f.app.call(.get, "\(file)/b.txt?info&access_token=\(f.token)").decoded(NodeAnswer.self).cosUrl
                ?? ""
            let body = try await f.app.client.execute(
                uri: url.replacingOccurrences(of: "http://files.test:8080", with: ""), method: .get)
            #expect(String(buffer: body.body) == "shared")

            let copier = try await f.app.token(f.library, "grant=copy_file")
            #expect(
                try await f.app.call(.put, "\(file)/c.txt?access_token=\(copier)", body: #"{"copyFrom":"b.txt"}"#)
                    .status == 200)
            let noForce = try await f.app.call(
                .put, "\(file)/c.txt?access_token=\(copier)&conflict_resolution_strategy=overwrite",
                body: #"{"copyFrom":"b.txt"}"#)
            #expect(noForce.code == "NoPermission")
            #expect(
                try await f.app.call(.put, "\(file)/d.txt?access_token=\(f.token)", body: #"{"copyFrom":"none.txt"}"#)
                    .code == "SourceFileNotFound")
            #expect(
                try await f.app.call(.put, "\(file)/no/d.txt?access_token=\(f.token)", body: #"{"copyFrom":"b.txt"}"#)
                    .code == "DirectoryNotFound")
        }
    }

    @Test func lookupByInodeFollowsMovesAndHidesRecycledEntries() async throws {
        try await UploadFixture.with { f in
            _ = try await f.app.call(.put, "/api/v1/directory/\(f.library.id)/-/a/b?access_token=\(f.token)")
            _ = try await f.upload("a/b/x.txt", Array("x".utf8))
            let inode = try #require(
                try await f.app.call(
                    .get, "/api/v1/directory/\(f.library.id)/-/a/b/x.txt?info&with_inode=1&access_token=\(f.token)"
                )
                .decoded(NodeAnswer.self).inode)
            let url = "/api/v1/inode/\(f.library.id)/-/\(inode)?access_token=\(f.token)"
            let found = try await f.app.call(.get, url)
            #expect(found.status == 200)
            #expect(try found.decoded(CreatedAnswer.self).path == ["a", "b", "x.txt"])
            #expect(try found.decoded(NodeAnswer.self).name == "x.txt")
            #expect(try found.decoded(NodeAnswer.self).type == "file")
            #expect(try found.decoded(NodeAnswer.self).size == "1")

            _ = try await f.app.call(
                .put, "/api/v1/directory/\(f.library.id)/-/z?access_token=\(f.token)", body: #"{"from":"a"}"#)
            #expect(
                try await f.app.call(.get, url).decoded(CreatedAnswer.self).path == ["z", "b", "x.txt"],
                "the inode follows moves")

            _ = try await f.app.call(.delete, "/api/v1/directory/\(f.library.id)/-/z?access_token=\(f.token)")
            let recycled = try await f.app.call(.get, url)
            #expect(recycled.status == 404)
            #expect(recycled.code == "FileNotFound", "an entry below a recycled directory is not reachable")
            for bad in ["zz", "00000000000000000000000000009999", String(repeating: "f", count: 32)] {
                #expect(
                    try await f.app.call(.get, "/api/v1/inode/\(f.library.id)/-/\(bad)?access_token=\(f.token)").code
                        == "FileNotFound")
            }
            let other = try await f.app.multiTenantLibrary()
            let space = try await f.app.createSpace(other.id, token: other.admin)
            #expect(
                try await f.app.call(.get, "/api/v1/inode/\(other.id)/\(space)/\(inode)?access_token=\(other.admin)")
                    .code == "FileNotFound")
        }
    }

    @Test func updateLabelsCategoryAndMetadata() async throws {
        try await UploadFixture.with { f in
            let begun = try await f.begin("note.txt", headers: [HTTPField.Name("x-smh-meta-origin")!: "phone"])
            _ = try await f.send(begun, Array("n".utf8))
            let confirmed = try await f.confirm(begun)
            #expect(try confirmed.decoded(NodeAnswer.self).metaData == ["x-smh-meta-origin": "phone"])
            let update = "/api/v1/directory/\(f.library.id)/-/note.txt?update&access_token=\(f.token)"
            let info = "/api/v1/file/\(f.library.id)/-/note.txt?info&access_token=\(f.token)"
            let before = try await f.app.call(.get, info)

            let merged = try await f.app.call(
                .post, update, body: #"{"labels":["work","2024"],"category":"doc","metaData":{"Project":"apollo"}}"#)
            #expect(merged.status == 204)
            var after = try await f.app.call(.get, info)
            #expect(try after.decoded(NodeAnswer.self).labels == ["work", "2024"])
            #expect(try after.decoded(NodeAnswer.self).category == "doc")
            #expect(
                try after.decoded(NodeAnswer.self).metaData == [
                    "x-smh-meta-origin": "phone", "x-smh-meta-project": "apollo",
                ])
            #expect(try after.decoded(NodeAnswer.self).eTag == before.decoded(NodeAnswer.self).eTag)
            #expect(
                try after.decoded(NodeAnswer.self).modificationTime == before.decoded(NodeAnswer.self).modificationTime)

            _ = try await f.app.call(.post, update, body: #"{"metaData":{"x-smh-meta-origin":null}}"#)
            after = try await f.app.call(.get, info)
            #expect(try after.decoded(NodeAnswer.self).metaData == ["x-smh-meta-project": "apollo"])
            #expect(try after.decoded(NodeAnswer.self).labels == ["work", "2024"], "absent fields are unchanged")
            _ = try await f.app.call(
                .post, update, body: #"{"metaData":{"a":"1"},"metaDataDirective":"replace","labels":[]}"#)
            after = try await f.app.call(.get, info)
            #expect(try after.decoded(NodeAnswer.self).metaData == ["x-smh-meta-a": "1"])
            #expect(try after.decoded(NodeAnswer.self).labels == nil)

            for (body, code) in [
                (#"{"category":"12345678901234567"}"#, "ParamInvalid"),
                (#"{"metaDataDirective":"swap","metaData":{}}"#, "ParamInvalid"),
                (#"{"metaData":{"a":1}}"#, "ParamInvalid"), (#"{"labels":"x"}"#, "ParamInvalid"), ("{", "BadRequest"),
            ] {
                #expect(try await f.app.call(.post, update, body: body).code == code, "\(body)")
            }
            let missing = "/api/v1/directory/\(f.library.id)/-/none.txt?update&access_token=\(f.token)"
            #expect(try await f.app.call(.post, missing, body: "{}").code == "FileNotFound")
            let uploader = try await f.app.token(f.library, "grant=upload_file")
            let refused = try await f.app.call(
                .post, "/api/v1/directory/\(f.library.id)/-/note.txt?update&access_token=\(uploader)", body: "{")
            #expect(refused.code == "NoPermission")
        }
    }

    @Test func copyADirectoryTree() async throws {
        try await UploadFixture.with { f in
            let dir = "/api/v1/directory/\(f.library.id)/-"
            _ = try await f.app.call(.put, "\(dir)/src/sub?access_token=\(f.token)")
            _ = try await f.upload("src/a.txt", Array("aaa".utf8))
            _ = try await f.upload("src/sub/b.txt", Array("bb".utf8))
            let copied = try await f.app.call(
                .put, "\(dir)/backup/src?access_token=\(f.token)", body: #"{"copyFrom":"src"}"#)
            #expect(copied.status == 204, "ask (the default) answers 204")
            #expect(try await names(f, "backup/src") == ["sub", "a.txt"])
            #expect(try await names(f, "backup/src/sub") == ["b.txt"])
            #expect(try await usedBytes(f) == "10", "the copied files are charged")
            let sha = SHA256.hash(data: Array("aaa".utf8)).hexString
            #expect(try await f.app.store.read { db in try await BlobRows.refcount(db, sha256: sha) } == 2)

            let again = try await f.app.call(
                .put, "\(dir)/backup/src?access_token=\(f.token)", body: #"{"copyFrom":"src"}"#)
            #expect(again.code == "SameNameDirectoryOrFileExists")
            let renamed = try await f.app.call(
                .put, "\(dir)/backup/src?access_token=\(f.token)&conflict_resolution_strategy=rename",
                body: #"{"copyFrom":"src"}"#)
            #expect(renamed.status == 200)
            #expect(try renamed.decoded(CreatedAnswer.self).path == ["backup", "src (1)"])
            let into = try await f.app.call(
                .put, "\(dir)/src/sub/again?access_token=\(f.token)", body: #"{"copyFrom":"src"}"#)
            #expect(into.code == "SourceDirectoryIsParentOfDestination")
            #expect(
                try await f.app.call(.put, "\(dir)/x?access_token=\(f.token)", body: #"{"copyFrom":"src/a.txt"}"#).code
                    == "InvalidSourceDirectory")
            #expect(
                try await f.app.call(.put, "\(dir)/x?access_token=\(f.token)", body: #"{"copyFrom":"nope"}"#).code
                    == "SourceDirectoryNotFound")
            let copier = try await f.app.token(f.library, "grant=move_directory")
            #expect(
                try await f.app.call(.put, "\(dir)/y?access_token=\(copier)", body: #"{"copyFrom":"src"}"#).code
                    == "NoPermission")
        }
    }
}
