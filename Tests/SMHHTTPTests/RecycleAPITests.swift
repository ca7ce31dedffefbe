import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SMHCore
import SMHStoreSQL
import SMHTestSupport
import SQLKit
import Testing

/// Spec 30 §1 (R1–R9), through HTTP, with the link rules of spec 20 F-19 across recycle and restore.
@Suite struct RecycleAPITests {
    struct Bin {
        let f: UploadFixture
        var bin: String { "/api/v1/recycled/\(f.library.id)/-" }
        var file: String { "/api/v1/file/\(f.library.id)/-" }
        var dir: String { "/api/v1/directory/\(f.library.id)/-" }
        var token: String { f.token }

        func recycle(_ path: String, directory: Bool = false) async throws -> Int {
            let reply = try await f.app.call(.delete, "\(directory ? dir : file)/\(path)?access_token=\(token)")
            guard reply.status == 200 else { throw TestFailure("recycling \(path): \(reply.status) \(reply.text)") }
            return try reply.decoded(RecycledAnswer.self).recycledItemId
        }

        func list(_ query: String = "") async throws -> Reply {
            try await f.app.call(.get, "\(bin)?access_token=\(token)\(query)")
        }

        func restore(_ id: Int, _ query: String = "") async throws -> Reply {
            try await f.app.call(.post, "\(bin)/\(id)?restore&access_token=\(token)\(query)")
        }

        func names(_ path: String = "") async throws -> [String] {
            let reply = try await f.app.call(.get, "\(dir)/\(path)?access_token=\(token)")
            return try reply.decoded(ListingAnswer.self).contents.map(\.name)
        }

        func mkdir(_ path: String) async throws {
            _ = try await f.app.call(.put, "\(dir)/\(path)?access_token=\(token)")
        }

        func content(_ path: String) async throws -> String? {
            let redirect = try await f.app.call(.get, "\(file)/\(path)?access_token=\(token)")
            guard let location = redirect.header("Location") else { return nil }
            let response = try await f.app.client.execute(
                uri: location.replacingOccurrences(of: "http://files.test:8080", with: ""), method: .get)
            return String(buffer: response.body)
        }

        func used() async throws -> String? {
            try await f.app.call(.get, "/api/v1/space/\(f.library.id)/-/size?access_token=\(token)")
                .decoded(SizeAnswer.self).size
        }
    }

    static func with(_ library: String = #"{"name":"bin"}"#, _ body: @Sendable (Bin) async throws -> Void)
        async throws
    {
        try await UploadFixture.with(library) { f in try await body(Bin(f: f)) }
    }

    @Test func listInfoAndPreview() async throws {
        try await Self.with { b in
            try await b.mkdir("docs/old")
            _ = try await b.f.upload("docs/a.txt", Array("alpha".utf8))
            _ = try await b.f.upload("docs/b.jpg", Array("bravo!".utf8))
            let a = try await b.recycle("docs/a.txt")
            let photo = try await b.recycle("docs/b.jpg")
            let old = try await b.recycle("docs/old", directory: true)

            let all = try await b.list()
            #expect(all.status == 200)
            let allPage = try all.decoded(RecycledListAnswer.self)
            #expect(allPage.totalNum == 3)
            #expect(allPage.nextMarker == nil, "page style by default")
            let contents = allPage.contents
            #expect(contents.map(\.recycledItemId) == [old, photo, a], "newest removal first")
            let first = contents[2]
            #expect(first.name == "a.txt")
            #expect(first.originalPath == ["docs", "a.txt"])
            #expect(first.spaceId == "-")
            #expect(first.type == "file")
            #expect(first.size == "5")
            #expect(first.fileType == "text")
            #expect(first.remainingTime == nil, "kept forever: no remaining time")
            #expect(first.removalTime.hasSuffix("Z"))
            #expect(contents[0].type == "dir")
            #expect(contents[0].size == nil)

            let byName = try await b.list("&order_by=name&order_by_type=desc")
            #expect(try byName.decoded(RecycledListAnswer.self).contents.map(\.name) == ["old", "b.jpg", "a.txt"])
            let page = try await b.list("&limit=2&orderBy=size")
            #expect(try page.decoded(RecycledListAnswer.self).nextMarker == 2)
            #expect(try page.decoded(RecycledListAnswer.self).contents.count == 2)
            let rest = try await b.list("&marker=2&limit=2&orderBy=size")
            #expect(try rest.decoded(RecycledListAnswer.self).nextMarker == nil)
            #expect(try rest.decoded(RecycledListAnswer.self).contents.count == 1)
            let paged = try await b.list("&page=2&page_size=2")
            #expect(try paged.decoded(RecycledListAnswer.self).totalNum == 3)
            #expect(try paged.decoded(RecycledListAnswer.self).contents.count == 1)
            #expect(try await b.list("&order_by=colour").code == "OrderByNotAllowed")
            #expect(try await b.list("&order_by=name&order_by_type=up").code == "OrderByTypeNotAllowed")
            #expect(try await b.list("&page=0").code == "ParamInvalid")
            #expect(try await b.list("&limit=x").code == "ParamInvalid")

            let info = try await b.f.app.call(.get, "\(b.bin)/\(a)?info&access_token=\(b.token)")
            #expect(info.status == 200)
            let itemInfo = try info.decoded(RecycledInfoAnswer.self)
            #expect(itemInfo.type == "file")
            #expect(itemInfo.size == "5")
            #expect(itemInfo.contentType == "text/plain")
            #expect(itemInfo.metaData == [:])
            let url = try #require(itemInfo.cosUrl)
            #expect(itemInfo.availableCosUrls == [url])
            let bytes = try await b.f.app.client.execute(
                uri: url.replacingOccurrences(of: "http://files.test:8080", with: ""), method: .get)
            #expect(String(buffer: bytes.body) == "alpha", "a recycled file can still be read from the bin")
            let dirInfo = try await b.f.app.call(.get, "\(b.bin)/\(old)?access_token=\(b.token)")
            #expect(Set((dirInfo.json).keys) == ["type", "creationTime", "modificationTime"], "exactly these fields")
            #expect(try dirInfo.decoded(RecycledInfoAnswer.self).type == "dir")
            let preview = try await b.f.app.call(.get, "\(b.bin)/\(photo)?preview&access_token=\(b.token)")
            #expect(preview.status == 302)
            #expect(
                try await b.f.app.call(.get, "\(b.bin)/99999?info&access_token=\(b.token)").code
                    == "RecycledItemNotFound")
            #expect(try await b.f.app.call(.get, "\(b.bin)/abc?info&access_token=\(b.token)").code == "ParamInvalid")
        }
    }

    @Test func restoreWithStrategiesAndPaths() async throws {
        try await Self.with { b in
            try await b.mkdir("docs")
            _ = try await b.f.upload("docs/a.txt", Array("first".utf8))
            let inode =
                try await b.f.app.call(.get, "\(b.dir)/docs/a.txt?info&with_inode=1&access_token=\(b.token)")
                .decoded(NodeAnswer.self).inode
            let first = try await b.recycle("docs/a.txt")
            _ = try await b.f.upload("docs/a.txt", Array("second".utf8))

            let asked = try await b.restore(first, "&conflict_resolution_strategy=ask")
            #expect(asked.status == 409)
            #expect(asked.code == "SameNameDirectoryOrFileExists")
            let renamed = try await b.restore(first)
            #expect(renamed.status == 200)
            #expect(try renamed.decoded(CreatedAnswer.self).path == ["docs", "a (1).txt"], "rename is the default")
            #expect(try await b.content("docs/a (1).txt") == "first")
            let sameInode =
                try await b.f.app.call(
                    .get,
                    "\(b.dir)/docs/a (1).txt?info&with_inode=1&access_token=\(b.token)".replacingOccurrences(
                        of: " ", with: "%20")
                ).decoded(NodeAnswer.self).inode
            #expect(sameInode == inode, "the inode comes back")
            #expect(try await b.restore(first).code == "RecycledItemNotFound", "not idempotent")

            let second = try await b.recycle("docs/a.txt")
            _ = try await b.f.upload("docs/a.txt", Array("third".utf8))
            let usedBefore = try await b.used()
            let overwritten = try await b.restore(second, "&conflict_resolution_strategy=overwrite")
            #expect(try overwritten.decoded(CreatedAnswer.self).path == ["docs", "a.txt"])
            #expect(try await b.content("docs/a.txt") == "second")
            #expect(try await b.used() == String(Int(usedBefore ?? "0")! - 5), "the replaced file is released")

            let lone = try await b.recycle("docs/a.txt")
            let gone = try await b.f.app.call(.delete, "\(b.dir)/docs?permanent=1&access_token=\(b.token)")
            #expect(gone.status == 204)
            let missing = try await b.restore(lone)
            #expect(missing.status == 404)
            #expect(missing.code == "DirectoryNotFound")
            let bad = try await b.restore(lone, "&restore_path_strategy=elsewhere")
            #expect(bad.code == "ParamInvalid")
            let toRoot = try await b.restore(lone, "&restore_path_strategy=fallbackToRoot")
            #expect(try toRoot.decoded(CreatedAnswer.self).path == ["a.txt"])

            try await b.mkdir("d")
            let dirItem = try await b.recycle("d", directory: true)
            _ = try await b.f.upload("d", [1])
            let dirOverwrite = try await b.restore(dirItem, "&conflict_resolution_strategy=overwrite")
            #expect(dirOverwrite.code == "SameNameDirectoryOrFileExists", "directories are never overwritten")
            #expect(try await b.restore(dirItem).decoded(CreatedAnswer.self).path == ["d (1)"])
        }
    }

    @Test func directoriesComeBackWithLinksInsideAndPointingIn() async throws {
        try await Self.with { b in
            try await b.mkdir("album/inner")
            try await b.mkdir("links")
            _ = try await b.f.upload("album/inner/photo.jpg", Array("jpeg".utf8))
            _ = try await b.f.upload("outside.txt", Array("outside".utf8))
            _ = try await b.f.app.call(
                .put, "\(b.file)/album/to-outside.txt?access_token=\(b.token)", body: #"{"linkTo":"outside.txt"}"#)
            _ = try await b.f.app.call(
                .put, "\(b.file)/links/photo.jpg?access_token=\(b.token)", body: #"{"linkTo":"album/inner/photo.jpg"}"#)

            let item = try await b.recycle("album", directory: true)
            #expect(try await b.names() == ["links", "outside.txt"])
            #expect(
                try await b.names("links") == ["photo.jpg"], "links elsewhere are unaffected by a recycled directory")
            let restored = try await b.restore(item)
            #expect(try restored.decoded(CreatedAnswer.self).path == ["album"])
            #expect(try await b.content("album/to-outside.txt") == "outside", "the link inside works again")
            #expect(try await b.content("links/photo.jpg") == "jpeg", "the link pointing in works")
            #expect(try await b.content("album/inner/photo.jpg") == "jpeg")

            // A recycled file takes its links along and brings them back, renamed if their name was taken meanwhile.
            let file = try await b.recycle("album/inner/photo.jpg")
            #expect(try await b.names("links") == [])
            _ = try await b.f.upload("links/photo.jpg", Array("other".utf8))
            #expect(try await b.restore(file).status == 200)
            #expect(try await b.names("links") == ["photo (1).jpg", "photo.jpg"])
            #expect(try await b.content("links/photo (1).jpg".replacingOccurrences(of: " ", with: "%20")) == "jpeg")

            // A link recycled on its own whose target is gone cannot come back.
            let link = try await b.recycle("album/to-outside.txt")
            _ = try await b.f.app.call(.delete, "\(b.file)/outside.txt?permanent=1&access_token=\(b.token)")
            let orphan = try await b.restore(link)
            #expect(orphan.status == 404)
            #expect(
                orphan.code == "RecycledItemNotFound",
                "deleting the target for good deleted the recycled link, and with it its recycle item")
        }
    }

    @Test func batchRestoreReportsEachItem() async throws {
        try await Self.with { b in
            _ = try await b.f.upload("x.txt", [1])
            _ = try await b.f.upload("y.txt", [2])
            let x = try await b.recycle("x.txt")
            let y = try await b.recycle("y.txt")
            try await b.mkdir("gone")
            _ = try await b.f.upload("gone/z.txt", [3])
            let z = try await b.recycle("gone/z.txt")
            _ = try await b.f.app.call(.delete, "\(b.dir)/gone?permanent=1&access_token=\(b.token)")

            let mixed = try await b.f.app.call(
                .post, "\(b.bin)?restore&access_token=\(b.token)", body: "[\(x), \"\(y)\", \(z), 424242]")
            #expect(mixed.status == 207)
            let result = try mixed.decoded(BatchAnswer.self).result
            #expect(result.map(\.recycledItemId) == [x, y, z, 424242])
            #expect(result.map(\.status) == [200, 200, 404, 404])
            #expect(result[0].path == ["x.txt"])
            #expect(result[2].code == "DirectoryNotFound")
            #expect(result[3].code == "RecycledItemNotFound")
            #expect(result[3].path == nil)

            let rooted = try await b.f.app.call(
                .post, "\(b.bin)?restore&restore_path_strategy=fallbackToRoot&access_token=\(b.token)", body: "[\(z)]")
            #expect(rooted.status == 200)
            #expect(try rooted.decoded(BatchAnswer.self).result.first?.path == ["z.txt"])
            let empty = try await b.f.app.call(.post, "\(b.bin)?restore&access_token=\(b.token)", body: "[]")
            #expect(empty.code == "NoItemsProvided")
            let notArray = try await b.f.app.call(.post, "\(b.bin)?restore&access_token=\(b.token)", body: #"{"a":1}"#)
            #expect(notArray.code == "ParamInvalid")
            let tooMany = try await b.f.app.call(
                .post, "\(b.bin)?restore&access_token=\(b.token)",
                body: "[" + (1...1001).map(String.init).joined(separator: ",") + "]")
            #expect(tooMany.code == "TooManyItems")
        }
    }

    @Test func purgeOneSomeAndAll() async throws {
        try await Self.with { b in
            for name in ["1.txt", "2.txt", "3.txt", "4.txt"] { _ = try await b.f.upload(name, Array(name.utf8)) }
            let ids = [
                try await b.recycle("1.txt"), try await b.recycle("2.txt"), try await b.recycle("3.txt"),
                try await b.recycle("4.txt"),
            ]
            #expect(try await b.used() == "20", "the recycle bin counts toward usage")

            #expect(try await b.f.app.call(.delete, "\(b.bin)/\(ids[0])?access_token=\(b.token)").status == 204)
            #expect(try await b.used() == "15")
            let sha = SHA256.hash(data: Array("1.txt".utf8)).hexString
            #expect(try await b.f.app.store.read { db in try await BlobRows.refcount(db, sha256: sha) } == 0)
            #expect(
                try await b.f.app.call(.delete, "\(b.bin)/\(ids[0])?access_token=\(b.token)").code
                    == "RecycledItemNotFound")

            let viaPost = try await b.f.app.call(
                .post, "\(b.bin)?delete&access_token=\(b.token)", body: "[\(ids[1]), 999999]")
            #expect(viaPost.status == 204, "unknown ids are skipped")
            // The Flutter form: DELETE with ?delete and a body purges those items only, never the whole bin.
            let viaDelete = try await b.f.app.call(
                .delete, "\(b.bin)?delete&access_token=\(b.token)", body: "[\(ids[2])]")
            #expect(viaDelete.status == 204)
            #expect(try await b.list().decoded(RecycledListAnswer.self).totalNum == 1)
            let emptyBody = try await b.f.app.call(.delete, "\(b.bin)?delete&access_token=\(b.token)")
            #expect(emptyBody.code == "ParamInvalid", "a purge without a list is refused, not turned into empty")
            #expect(try await b.list().decoded(RecycledListAnswer.self).totalNum == 1)

            let reader = try await b.f.app.token(b.f.library, "grant=restore_recycled")
            #expect(try await b.f.app.call(.delete, "\(b.bin)?access_token=\(reader)").code == "NoPermission")
            #expect(try await b.f.app.call(.delete, "\(b.bin)?access_token=\(b.token)").status == 204)
            #expect(try await b.list().decoded(RecycledListAnswer.self).totalNum == 0)
            #expect(try await b.used() == "0")
            #expect(
                try await b.f.app.call(.delete, "\(b.bin)?access_token=\(b.token)").status == 204,
                "emptying an empty bin")
        }
    }

    @Test func retentionExpiryAndLifecycle() async throws {
        try await Self.with(#"{"name":"bin","autoRemoveRecycledDays":30}"#) { b in
            _ = try await b.f.upload("a.txt", [1])
            _ = try await b.f.upload("b.txt", [2])
            let a = try await b.recycle("a.txt")
            let b2 = try await b.recycle("b.txt")
            let listed = try await b.list().decoded(RecycledListAnswer.self).contents
            #expect(listed.allSatisfy { [29, 30].contains($0.remainingTime ?? -1) })

            let set = try await b.f.app.call(
                .post, "\(b.bin)?lifecycle&access_token=\(b.token)", body: #"{"retentionDays":45}"#)
            #expect(set.status == 204)
            let longer = try await b.list().decoded(RecycledListAnswer.self).contents
            #expect(longer.allSatisfy { [44, 45].contains($0.remainingTime ?? -1) }, "longer applies to all")
            let again = try await b.f.app.call(
                .post, "\(b.bin)?lifecycle&access_token=\(b.token)", body: #"{"retentionDays":10}"#)
            #expect(again.status == 403)
            #expect(again.code == "SetRecycleLifecycleFrequencyLimit")
            for body in [#"{"retentionDays":0}"#, #"{"retentionDays":10001}"#, #"{}"#, #"{"retentionDays":"x"}"#] {
                try await b.f.app.execute("UPDATE spaces SET recycle_days_changed_at = NULL")
                let refused = try await b.f.app.call(.post, "\(b.bin)?lifecycle&access_token=\(b.token)", body: body)
                #expect(refused.code == "ParamInvalid", "\(body)")
            }
            try await b.f.app.execute("UPDATE spaces SET recycle_days_changed_at = NULL")
            #expect(
                try await b.f.app.call(
                    .post, "\(b.bin)?lifecycle&access_token=\(b.token)", body: #"{"retentionDays":"10"}"#
                ).status == 204)
            let kept = try await b.list().decoded(RecycledListAnswer.self).contents
            #expect(kept.allSatisfy { [44, 45].contains($0.remainingTime ?? -1) }, "shorter never cuts")
            _ = try await b.f.upload("c.txt", [3])
            _ = try await b.recycle("c.txt")
            let newest = try await b.list().decoded(RecycledListAnswer.self).contents.first
            #expect([9, 10].contains(newest?.remainingTime ?? -1), "new items take the new value")

            // Past its expiry an item is no longer listed, restorable, and the sweep purges it for good.
            try await b.f.app.execute("UPDATE recycle_items SET expires_at = 5 WHERE id = \(a)")
            #expect(try await b.list().decoded(RecycledListAnswer.self).totalNum == 2)
            #expect(try await b.restore(a).code == "RecycledItemNotFound")
            let purged = try await b.f.app.store.purgeExpiredRecycled(now: Timestamp(milliseconds: 10), limit: 10)
            #expect(purged == 1)
            #expect(try await b.used() == "2")
            #expect(try await b.restore(b2).status == 200)
        }
    }

    @Test func disabledBinAndPermissions() async throws {
        try await Self.with(#"{"name":"nobin","useRecycleBin":false}"#) { b in
            let listed = try await b.list()
            let emptied = try await b.f.app.call(.delete, "\(b.bin)?access_token=\(b.token)")
            #expect(listed.code == "RecycleBinNotEnabled")
            #expect(emptied.code == "RecycleBinNotEnabled")
        }
        try await Self.with { b in
            _ = try await b.f.upload("a.txt", [1])
            let id = try await b.recycle("a.txt")
            let deleter = try await b.f.app.token(b.f.library, "grant=delete_recycled")
            let restorer = try await b.f.app.token(b.f.library, "grant=restore_recycled")
            #expect(
                try await b.f.app.call(.post, "\(b.bin)/\(id)?restore&access_token=\(deleter)").code == "NoPermission")
            #expect(try await b.f.app.call(.delete, "\(b.bin)/\(id)?access_token=\(restorer)").code == "NoPermission")
            #expect(try await b.f.app.call(.get, "\(b.bin)?access_token=\(deleter)").status == 200, "any token lists")
            let lifecycle = try await b.f.app.call(
                .post, "\(b.bin)?lifecycle&access_token=\(restorer)", body: #"{"retentionDays":5}"#)
            #expect(lifecycle.code == "NoPermission")
            #expect(try await b.f.app.call(.post, "\(b.bin)/\(id)?restore&access_token=\(restorer)").status == 200)
        }
    }
}
