import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SMHCore
import SMHStoreSQL
import SMHTestSupport
import SQLKit
import Testing

/// Spec 20 F-01, F-04.2 and F-07: simple upload end to end.
@Suite struct UploadAPITests {
    @Test func beginSendConfirm() async throws {
        try await UploadFixture.with { f in
            let begun = try await f.begin(
                "hello.txt", "&filesize=9", headers: [HTTPField.Name("x-smh-meta-creation-date")!: "x"])
            #expect(begun.status == 201)
            let begin = try begun.decoded(BeginUploadAnswer.self)
            #expect(begin.domain == "files.test:8080")
            let path = begin.path
            #expect(
                path.hasPrefix("/_opensmh/up/")
                    && path.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/_".contains($0)) })
            let headers = begin.headers
            #expect(
                Set(headers.keys) == [
                    "Cache-Control", "Content-Type", "x-cos-acl", "x-cos-storage-class", "Authorization",
                    "x-cos-security-token",
                ])
            #expect(headers.values.allSatisfy { !$0.isEmpty })
            #expect(headers["Content-Type"] == "text/plain")
            #expect(begin.expiration.hasSuffix("Z"))
            #expect(begin.availableDomainNum == 1)
            let before = try await f.app.call(.get, "/api/v1/directory/\(f.library.id)/-?access_token=\(f.token)")
            #expect(try before.decoded(ListingAnswer.self).totalNum == 0, "nothing is visible before confirm")

            let sent = try await f.send(begun, Array("123456789".utf8))
            #expect(sent.status == 200)
            #expect(sent.header("ETag") == "\"25f9e794323b453885f5181f1b624d0b\"")
            #expect(sent.header("x-cos-hash-crc64ecma") == "11051210869376104954")

            let confirmed = try await f.confirm(begun, "&with_inode=1", body: #"{"crc64":"11051210869376104954"}"#)
            #expect(confirmed.status == 200)
            let node = try confirmed.decoded(NodeAnswer.self)
            #expect(node.path == ["hello.txt"])
            #expect(node.name == "hello.txt")
            #expect(node.type == "file")
            #expect(node.size == "9")
            #expect(node.crc64 == "11051210869376104954")
            #expect(node.eTag == "\"25f9e794323b453885f5181f1b624d0b\"")
            #expect(node.isOverwritten == false)
            #expect(node.inode?.count == 32)

            // The bytes are under their content address, referenced once, and charged to the space.
            let sha = SHA256.hash(data: Array("123456789".utf8)).hexString
            #expect(try await f.app.hasBlob(sha))
            #expect(try await f.app.store.read { db in try await BlobRows.refcount(db, sha256: sha) } == 1)
            let size = try await f.app.call(.get, "/api/v1/space/\(f.library.id)/-/size?access_token=\(f.token)")
            #expect(try size.decoded(SizeAnswer.self).size == "9")

            let again = try await f.confirm(begun)
            #expect(again.status == 200, "confirm is idempotent")
            #expect(try again.decoded(NodeAnswer.self).path == ["hello.txt"])
            #expect(try await f.app.store.read { db in try await BlobRows.refcount(db, sha256: sha) } == 1)
            let late = try await f.send(begun, Array("x".utf8))
            #expect(late.status == 409)
            #expect(late.code == "UploadComplete")
        }
    }

    @Test func dataPlaneRefusesBadCredentialsAndKeys() async throws {
        try await UploadFixture.with { f in
            let begun = try await f.begin("a.bin")
            for auth in ["", "OpenSMH-UP 1.abc", "OpenSMH-UP 99999999999.00", "OpenSMH-UP 9223372036854775807.00"] {
                let reply = try await f.send(begun, [1, 2, 3], authorization: auth)
                #expect(reply.status == 403, "auth \(auth)")
                #expect(reply.code == "InvalidAccessToken")
            }
            let other = try await f.begin("b.bin")
            let crossed = try await f.send(
                begun, [1], authorization: try other.decoded(BeginUploadAnswer.self).headers["Authorization"])
            #expect(crossed.status == 403, "a credential is bound to its own upload")
            let unknown = try await f.app.client.execute(
                uri: "/_opensmh/up/abc", method: .put, body: ByteBuffer(bytes: [1]))
            #expect(unknown.status.code == 404)
        }
    }

    @Test func confirmRefusals() async throws {
        try await UploadFixture.with { f in
            let begun = try await f.begin("c.txt")
            let early = try await f.confirm(begun)
            #expect(early.status == 404)
            #expect(early.code == "UploadIncomplete")
            _ = try await f.send(begun, Array("abc".utf8))
            let badCrc = try await f.confirm(begun, body: #"{"crc64":"1"}"#)
            #expect(badCrc.status == 400)
            #expect(badCrc.code == "BadCrc64")
            let unknown = try await f.app.call(
                .post, "/api/v1/file/\(f.library.id)/-/abcdefghijabcdefghijabcdefghij12?confirm&access_token=\(f.token)"
            )
            #expect(unknown.code == "UploadNotFound")
            let reader = try await f.app.token(f.library)
            #expect(try await f.confirm(begun, token: reader).code == "NoPermission")
            let beginOnly = try await f.app.token(f.library, "grant=begin_upload")
            #expect(try await f.confirm(begun, token: beginOnly).code == "NoPermission")
            let confirmOnly = try await f.app.token(f.library, "grant=confirm_upload")
            #expect(try await f.confirm(begun, token: confirmOnly).status == 200)
        }
    }

    @Test func conflictStrategies() async throws {
        try await UploadFixture.with { f in
            #expect(try await f.upload("doc.txt", Array("one".utf8)).status == 200)
            let ask = try await f.begin("doc.txt", "&conflict_resolution_strategy=ask")
            #expect(ask.status == 409)
            #expect(ask.code == "SameNameDirectoryOrFileExists")
            let renamed = try await f.upload("doc.txt", Array("two".utf8))
            #expect(try renamed.decoded(NodeAnswer.self).path == ["doc (1).txt"], "rename is the default for files")
            let renamed2 = try await f.upload("doc.txt", Array("three".utf8), "&conflict_resolution_strategy=rename")
            #expect(try renamed2.decoded(NodeAnswer.self).path == ["doc (2).txt"])

            let firstInode =
                try await f.app.call(
                    .get, "/api/v1/directory/\(f.library.id)/-/doc.txt?info&with_inode=1&access_token=\(f.token)"
                ).decoded(NodeAnswer.self).inode
            let uploader = try await f.app.token(f.library, "grant=upload_file")
            let refused = try await f.begin("doc.txt", "&conflict_resolution_strategy=overwrite", token: uploader)
            #expect(refused.code == "NoPermission", "overwrite needs a _force grant")
            let overwritten = try await f.upload(
                "doc.txt", Array("replaced".utf8), "&conflict_resolution_strategy=overwrite")
            #expect(overwritten.status == 200)
            let replaced = try overwritten.decoded(NodeAnswer.self)
            #expect(replaced.isOverwritten == true)
            #expect(replaced.size == "8")
            let info = try await f.app.call(
                .get, "/api/v1/directory/\(f.library.id)/-/doc.txt?info&with_inode=1&access_token=\(f.token)")
            #expect(try info.decoded(NodeAnswer.self).inode == firstInode, "overwrite keeps the inode")
            let size = try await f.app.call(.get, "/api/v1/space/\(f.library.id)/-/size?access_token=\(f.token)")
            #expect(
                try size.decoded(SizeAnswer.self).size == "\(3 + 5 + 8)", "the replaced content is no longer charged")
            let oldSha = SHA256.hash(data: Array("one".utf8)).hexString
            #expect(try await f.app.store.read { db in try await BlobRows.refcount(db, sha256: oldSha) } == 0)

            _ = try await f.app.call(.put, "/api/v1/directory/\(f.library.id)/-/folder?access_token=\(f.token)")
            let ontoDirectory = try await f.begin("folder", "&conflict_resolution_strategy=overwrite")
            #expect(ontoDirectory.code == "SameNameDirectoryOrFileExists")
            let forceFlag = try await f.upload("doc.txt", Array("forced".utf8), "&force=1")
            #expect(try forceFlag.decoded(NodeAnswer.self).isOverwritten == true, "force=1 means overwrite")
        }
    }

    @Test func targetRules() async throws {
        try await UploadFixture.with { f in
            #expect(try await f.begin("missing/a.txt").code == "DirectoryNotFound")
            _ = try await f.upload("plain.txt", [1])
            #expect(try await f.begin("plain.txt/a.txt").code == "DirectoryNotFound")
            #expect(try await f.begin("").code == "EmptyFileName")
            #expect(try await f.begin("a/..").code == "IllegalFileName")
            #expect(try await f.begin(String(repeating: "x", count: 256)).code == "FileNameLengthExceed")
            #expect(try await f.begin("a.txt", "&filesize=-1").code == "ParamInvalid")
            #expect(try await f.begin("a.txt", "&filesize=abc").code == "ParamInvalid")
            #expect(
                try await f.begin("a.txt", "&conflict_resolution_strategy=keep").code
                    == "InvalidConflictResolutionStrategy")
        }
        try await UploadFixture.with(#"{"name":"album","libraryType":"media"}"#) { f in
            #expect(try await f.begin("photo.jpg").code == "UploadToRootDirectoryNotAllowed")
            _ = try await f.app.call(.put, "/api/v1/directory/\(f.library.id)/-/trip?access_token=\(f.token)")
            #expect(try await f.begin("trip/notes.txt").code == "ExtnameNotAllowed")
            let photo = try await f.upload("trip/photo.jpg", [0xFF, 0xD8])
            #expect(try photo.decoded(NodeAnswer.self).type == "image")
        }
    }

    @Test func fiftyConcurrentSameNameUploadsGiveFiftyFiles() async throws {
        try await UploadFixture.with { f in
            let paths = try await withThrowingTaskGroup(of: [String].self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let reply = try await f.upload("same.txt", Array("content \(index)".utf8))
                        return try reply.decoded(NodeAnswer.self).path ?? []
                    }
                }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            #expect(Set(paths).count == 50)
            #expect(paths.allSatisfy { $0.count == 1 })
            let listing = try await f.app.call(
                .get, "/api/v1/directory/\(f.library.id)/-?access_token=\(f.token)&limit=100")
            #expect(try listing.decoded(ListingAnswer.self).fileCount == 50)
        }
    }
}
