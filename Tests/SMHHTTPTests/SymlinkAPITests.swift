import Foundation
import HTTPTypes
import Hummingbird
import SMHCore
import SMHTestSupport
import SQLKit
import Testing

@testable import SMHStoreSQL

/// Spec 20 F-19 and its normative link rules, through HTTP.
@Suite struct SymlinkAPITests {
    struct Links {
        let f: UploadFixture
        var file: String { "/api/v1/file/\(f.library.id)/-" }
        var dir: String { "/api/v1/directory/\(f.library.id)/-" }

        func link(_ path: String, to target: String, _ query: String = "") async throws -> Reply {
            try await f.app.call(
                .put, "\(file)/\(path)?access_token=\(f.token)\(query)", body: #"{"linkTo":"\#(target)"}"#)
        }

        /// The bytes served for a path: redirect, then the data plane.
        func content(_ path: String) async throws -> (status: Int, code: String?, body: String) {
            let redirect = try await f.app.call(.get, "\(file)/\(path)?access_token=\(f.token)")
            guard redirect.status == 302, let location = redirect.header("Location") else {
                return (redirect.status, redirect.code, "")
            }
            let response = try await f.app.client.execute(
                uri: location.replacingOccurrences(of: "http://files.test:8080", with: ""), method: .get)
            return (Int(response.status.code), nil, String(buffer: response.body))
        }

        func listing(_ path: String = "") async throws -> [NodeAnswer] {
            try await f.app.call(.get, "\(dir)/\(path)?access_token=\(f.token)").decoded(ListingAnswer.self).contents
        }

        func names(_ path: String = "") async throws -> [String] {
            try await listing(path).map(\.name)
        }

        func info(_ path: String) async throws -> Reply {
            try await f.app.call(.get, "\(dir)/\(path)?info&with_inode=1&access_token=\(f.token)")
        }
    }

    static func with(_ body: @Sendable (Links) async throws -> Void) async throws {
        try await UploadFixture.with { f in try await body(Links(f: f)) }
    }

    @Test func createReadAndListThroughALink() async throws {
        try await Self.with { l in
            let uploaded = try await l.f.upload("docs/report.txt", Array("quarterly".utf8))
            #expect(uploaded.code == "DirectoryNotFound", "parents are not created for uploads")
            _ = try await l.f.app.call(.put, "\(l.dir)/docs?access_token=\(l.f.token)")
            let target = try await l.f.upload("docs/report.txt", Array("quarterly".utf8))
            _ = try await l.f.app.call(.put, "\(l.dir)/links?access_token=\(l.f.token)")

            let created = try await l.link("links/report.txt", to: "docs/report.txt")
            #expect(created.status == 200)
            #expect(try created.decoded(CreatedAnswer.self).path == ["links", "report.txt"])
            #expect(try created.decoded(SymlinkAnswer.self).name == "report.txt")
            #expect(try created.decoded(SymlinkAnswer.self).type == "symlink")

            let item = try #require(try await l.listing("links").first)
            #expect(item.type == "symlink")
            #expect(item.size == "9", "a listed link carries its file's size")
            #expect(try item.eTag == target.decoded(NodeAnswer.self).eTag)
            #expect(try item.crc64 == target.decoded(NodeAnswer.self).crc64)
            #expect(item.contentType == "text/plain")

            let targetInode = try await l.info("docs/report.txt").decoded(NodeAnswer.self).inode
            let info = try await l.info("links/report.txt")
            #expect(try info.decoded(NodeAnswer.self).type == "symlink")
            #expect(
                try info.decoded(NodeAnswer.self).linkTo == .inode(targetInode ?? ""), "D-03 names the target by inode")
            #expect(try info.decoded(NodeAnswer.self).inode != targetInode)
            #expect(try info.decoded(NodeAnswer.self).size == "9")

            let fileInfo = try await l.f.app.call(.get, "\(l.file)/links/report.txt?info&access_token=\(l.f.token)")
            #expect(
                try fileInfo.decoded(NodeAnswer.self).linkTo == .path(["docs", "report.txt"]), "F-10 names it by path")
            #expect(try fileInfo.decoded(NodeAnswer.self).type == "symlink")
            #expect(try fileInfo.decoded(NodeAnswer.self).eTag == target.decoded(NodeAnswer.self).eTag)
            #expect(try (fileInfo.decoded(NodeAnswer.self).cosUrl)?.contains("/_opensmh/dl/") == true)

            let content = try await l.content("links/report.txt")
            #expect(content.status == 200)
            #expect(content.body == "quarterly")
            let head = try await l.f.app.call(.head, "\(l.file)/links/report.txt?access_token=\(l.f.token)")
            #expect(head.status == 200)
            #expect(head.header("x-smh-type") == "symlink")
            #expect(head.header("x-smh-size") == "9")

            let renamed = try await l.link("links/report.txt", to: "docs/report.txt")
            #expect(
                try renamed.decoded(CreatedAnswer.self).path == ["links", "report (1).txt"], "rename is the default")
            let asked = try await l.link("links/report.txt", to: "docs/report.txt", "&conflict_resolution_strategy=ask")
            #expect(asked.status == 409)
            #expect(asked.code == "SameNameDirectoryOrFileExists")
        }
    }

    @Test func creationRefusals() async throws {
        try await Self.with { l in
            _ = try await l.f.upload("a.txt", Array("a".utf8))
            _ = try await l.f.app.call(.put, "\(l.dir)/folder?access_token=\(l.f.token)")
            let toDirectory = try await l.link("to-dir", to: "folder")
            #expect(toDirectory.status == 400)
            #expect(toDirectory.code == "SymlinkToDirectoryNotAllowed")
            let missing = try await l.link("nothing.txt", to: "folder/nothing.txt")
            #expect(missing.status == 404)
            #expect(missing.code == "SourceFileNotFound")
            let empty = try await l.link("empty.txt", to: "")
            #expect(empty.status == 400)
            #expect(empty.code == "ParamInvalid")
            let noParent = try await l.link("nowhere/a.txt", to: "a.txt")
            #expect(noParent.status == 404)
            #expect(noParent.code == "DirectoryNotFound")
            let dots = try await l.link("b.txt", to: "../a.txt")
            #expect(dots.status == 400)
            let ontoDirectory = try await l.link("folder", to: "a.txt", "&conflict_resolution_strategy=overwrite")
            #expect(ontoDirectory.code == "SameNameDirectoryOrFileExists")
            let ontoOwnTarget = try await l.link("a.txt", to: "a.txt", "&conflict_resolution_strategy=overwrite")
            #expect(ontoOwnTarget.status == 400)
            #expect(ontoOwnTarget.code == "SymlinkOverwriteConflict")
            let reader = try await l.f.app.token(l.f.library, "grant=download_file")
            let refused = try await l.f.app.call(
                .put, "\(l.file)/c.txt?access_token=\(reader)", body: #"{"linkTo":"a.txt"}"#)
            #expect(refused.code == "NoPermission")
            let linker = try await l.f.app.token(l.f.library, "grant=create_symlink")
            let plain = try await l.f.app.call(
                .put, "\(l.file)/c.txt?access_token=\(linker)", body: #"{"linkTo":"a.txt"}"#)
            #expect(plain.status == 200)
            let force = try await l.f.app.call(
                .put, "\(l.file)/c.txt?access_token=\(linker)&force=1", body: #"{"linkTo":"a.txt"}"#)
            #expect(force.code == "NoPermission", "overwriting needs create_symlink_force")
            #expect(try await l.names() == ["folder", "a.txt", "c.txt"])
        }
    }

    @Test func linksFollowRenameMoveAndOverwrite() async throws {
        try await Self.with { l in
            _ = try await l.f.upload("v1.txt", Array("first".utf8))
            _ = try await l.f.app.call(.put, "\(l.dir)/archive?access_token=\(l.f.token)")
            _ = try await l.link("latest.txt", to: "v1.txt")
            let moved = try await l.f.app.call(
                .put, "\(l.file)/archive/renamed.txt?access_token=\(l.f.token)", body: #"{"from":"v1.txt"}"#)
            #expect(moved.status == 200)
            #expect(try await l.content("latest.txt").body == "first", "links point at inodes, not paths")
            let fileInfo = try await l.f.app.call(.get, "\(l.file)/latest.txt?info&access_token=\(l.f.token)")
            #expect(try fileInfo.decoded(NodeAnswer.self).linkTo == .path(["archive", "renamed.txt"]))

            _ = try await l.f.app.call(
                .put, "\(l.dir)/moved-archive?access_token=\(l.f.token)&conflict_resolution_strategy=rename",
                body: #"{"from":"archive"}"#)
            #expect(try await l.content("latest.txt").body == "first", "a directory move keeps the inodes")

            let overwritten = try await l.f.upload(
                "moved-archive/renamed.txt", Array("second!".utf8), "&conflict_resolution_strategy=overwrite")
            #expect(try overwritten.decoded(NodeAnswer.self).isOverwritten == true)
            #expect(try await l.content("latest.txt").body == "second!", "an overwrite keeps the inode")
            #expect(try await l.listing().first { $0.name == "latest.txt" }?.size == "7")
        }
    }

    @Test func aLinkIsDeletedMovedAndCopiedOnItsOwn() async throws {
        try await Self.with { l in
            _ = try await l.f.upload("target.txt", Array("payload".utf8))
            _ = try await l.f.app.call(.put, "\(l.dir)/elsewhere?access_token=\(l.f.token)")
            _ = try await l.link("link.txt", to: "target.txt")
            let targetInode = try await l.info("target.txt").decoded(NodeAnswer.self).inode

            let moved = try await l.f.app.call(
                .put, "\(l.file)/elsewhere/moved.txt?access_token=\(l.f.token)", body: #"{"from":"link.txt"}"#)
            #expect(try moved.decoded(CreatedAnswer.self).path == ["elsewhere", "moved.txt"])
            #expect(try await l.names() == ["elsewhere", "target.txt"])
            #expect(try await l.content("elsewhere/moved.txt").body == "payload")

            let copied = try await l.f.app.call(
                .put, "\(l.file)/copy.txt?access_token=\(l.f.token)", body: #"{"copyFrom":"elsewhere/moved.txt"}"#)
            #expect(copied.status == 200)
            let copy = try await l.info("copy.txt")
            #expect(try copy.decoded(NodeAnswer.self).type == "symlink", "copying a link makes a link")
            #expect(try copy.decoded(NodeAnswer.self).linkTo == .inode(targetInode ?? ""), "to the same target")

            let usedBefore =
                try await l.f.app.call(.get, "/api/v1/space/\(l.f.library.id)/-/size?access_token=\(l.f.token)")
                .decoded(SizeAnswer.self).size
            #expect(usedBefore == "7", "links occupy no quota")

            let onto = try await l.f.app.call(
                .put, "\(l.file)/target.txt?access_token=\(l.f.token)&conflict_resolution_strategy=overwrite",
                body: #"{"from":"copy.txt"}"#)
            #expect(onto.code == "SymlinkOverwriteConflict", "a link may not replace its own target")

            let deleted = try await l.f.app.call(.delete, "\(l.file)/elsewhere/moved.txt?access_token=\(l.f.token)")
            #expect(deleted.status == 200)
            #expect(try await l.content("target.txt").body == "payload", "deleting a link leaves its target")
            #expect(try await l.content("copy.txt").body == "payload")
            #expect(try await l.names("elsewhere") == [])
        }
    }

    @Test func deletingTheTargetTakesItsLinks() async throws {
        try await Self.with { l in
            _ = try await l.f.upload("photo.jpg", Array("jpeg".utf8))
            _ = try await l.f.app.call(.put, "\(l.dir)/album?access_token=\(l.f.token)")
            _ = try await l.link("album/photo.jpg", to: "photo.jpg")
            _ = try await l.link("second.jpg", to: "album/photo.jpg")  // a link to a link
            let targetInode = try #require(
                Node.parseInode(try await l.info("photo.jpg").decoded(NodeAnswer.self).inode ?? ""))

            let recycled = try await l.f.app.call(.delete, "\(l.file)/photo.jpg?access_token=\(l.f.token)")
            #expect(recycled.status == 200)
            #expect(try await l.names() == ["album"], "links go to the recycle bin with their target")
            #expect(try await l.names("album") == [])
            // Marked with the inode whose recycling took them, so a restore brings exactly them back.
            let marked = try await l.f.app.store.read { db in
                try await db.raw(
                    "SELECT name FROM nodes WHERE recycled_with = \(bind: targetInode.rawValue) ORDER BY name"
                ).all().map { try $0.decode(column: "name", as: String.self) }
            }
            #expect(marked == ["photo.jpg", "second.jpg"])
            // The names are free again while the link is in the bin.
            _ = try await l.f.upload("album/photo.jpg", Array("new".utf8))
            #expect(try await l.names("album") == ["photo.jpg"])

            // Purging the recycled target (as the recycle bin will) deletes its links for good.
            let item = try recycled.decoded(RecycledAnswer.self).recycledItemId
            try await l.f.app.execute("DELETE FROM recycle_items WHERE id = \(item)")
            let space = try #require(
                try await l.f.app.store.space(library: LibraryID(l.f.library.id), id: .singleTenant))
            let now = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
            try await l.f.app.store.transaction { db in
                try await SubtreeRows.purge(db, root: targetInode, space: space, at: now)
            }
            let left = try await l.f.app.store.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM nodes WHERE kind = 'symlink'").first()?
                    .decode(column: "n", as: Int.self)
            }
            #expect(left == 0)
        }
    }

    @Test func permanentDeletesAndDirectories() async throws {
        try await Self.with { l in
            _ = try await l.f.app.call(.put, "\(l.dir)/keep?access_token=\(l.f.token)")
            _ = try await l.f.app.call(.put, "\(l.dir)/doomed/inner?access_token=\(l.f.token)")
            _ = try await l.f.upload("doomed/inner/deep.txt", Array("deep".utf8))
            _ = try await l.f.upload("file.txt", Array("file".utf8))
            _ = try await l.link("keep/deep.txt", to: "doomed/inner/deep.txt")
            _ = try await l.link("keep/file.txt", to: "file.txt")

            // A directory going to the recycle bin leaves links elsewhere alone (rule 5).
            let recycled = try await l.f.app.call(.delete, "\(l.dir)/doomed?access_token=\(l.f.token)")
            #expect(recycled.status == 200)
            #expect(try await l.names("keep") == ["deep.txt", "file.txt"])
            #expect(try await l.content("keep/deep.txt").body == "deep")

            // Copying a directory copies its links, pointing at the same targets.
            let copied = try await l.f.app.call(
                .put, "\(l.dir)/keep-copy?access_token=\(l.f.token)", body: #"{"copyFrom":"keep"}"#)
            #expect(copied.status == 204)
            #expect(
                try await l.info("keep-copy/file.txt").decoded(NodeAnswer.self).linkTo
                    == l.info("keep/file.txt").decoded(NodeAnswer.self).linkTo)
            #expect(try await l.content("keep-copy/deep.txt").body == "deep")

            // Deleted for good, the target takes every link to it, wherever it is.
            _ = try await l.f.app.call(.put, "\(l.dir)/doomed?access_token=\(l.f.token)")
            _ = try await l.f.upload("doomed/other.txt", Array("other".utf8))
            _ = try await l.link("keep/other.txt", to: "doomed/other.txt")
            let gone = try await l.f.app.call(.delete, "\(l.dir)/doomed?access_token=\(l.f.token)&permanent=1")
            #expect(gone.status == 204)
            #expect(try await l.names("keep") == ["deep.txt", "file.txt"])

            let fileGone = try await l.f.app.call(.delete, "\(l.file)/file.txt?access_token=\(l.f.token)&permanent=1")
            #expect(fileGone.status == 204)
            #expect(try await l.names("keep") == ["deep.txt"])
            #expect(try await l.names("keep-copy") == ["deep.txt"])
        }
    }

    @Test func chainsLoopsAndDanglingLinks() async throws {
        try await Self.with { l in
            _ = try await l.f.upload("base.txt", Array("base".utf8))
            _ = try await l.link("l1", to: "base.txt")
            for n in 2...8 { _ = try await l.link("l\(n)", to: "l\(n - 1)") }
            #expect(try await l.content("l8").body == "base", "eight links are followed")
            let ninth = try await l.link("l9", to: "l8")
            #expect(ninth.status == 400)
            #expect(ninth.code == "SymlinkDepthLimitExceeded")

            // Re-pointing l1 at another link lengthens every chain through it past the limit.
            _ = try await l.link("x", to: "base.txt")
            let repointed = try await l.link("l1", to: "x", "&conflict_resolution_strategy=overwrite")
            #expect(try repointed.decoded(CreatedAnswer.self).path == ["l1"])
            #expect(try await l.content("l7").body == "base")
            let tooDeep = try await l.content("l8")
            #expect(tooDeep.status == 400)
            #expect(tooDeep.code == "SymlinkDepthLimitExceeded")

            // Pointing x back at a link that leads through x closes a loop.
            let loop = try await l.link("x", to: "l2", "&conflict_resolution_strategy=overwrite")
            #expect(loop.status == 409)
            #expect(loop.code == "CircleSymlink")

            // A link whose target row has vanished (as a background purge could leave it) is dangling.
            try await l.f.app.execute("UPDATE nodes SET link_target_id = 999999 WHERE name = 'x'")
            let dangling = try await l.content("x")
            #expect(dangling.status == 404)
            #expect(dangling.code == "RootLinkFileNotFound")
            let info = try await l.info("x")
            #expect(info.code == "RootLinkFileNotFound")
            let head = try await l.f.app.call(.head, "\(l.file)/x?access_token=\(l.f.token)")
            #expect(head.status == 404)
            #expect(head.text.isEmpty)
            #expect(try await l.names().contains("x"), "a dangling link is still listed")
        }
    }
}
