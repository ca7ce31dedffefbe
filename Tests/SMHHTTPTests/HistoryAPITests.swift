import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SMHCore
import SMHStoreSQL
import SMHTestSupport
import SQLKit
import Testing

/// Spec 30 §4 (H1, H2, H4–H7) and the versions overwrite uploads create.
@Suite struct HistoryAPITests {
    static func enable(_ f: UploadFixture, _ body: String) async throws {
        let reply = try await f.app.call(
            .post, "/api/v1/directory-history/\(f.library.id)/library-history?access_token=\(f.token)", body: body)
        guard reply.status == 204 else { throw TestFailure("enable history: \(reply.text)") }
    }

    static func overwrite(_ f: UploadFixture, _ path: String, _ text: String) async throws -> Reply {
        try await f.upload(path, Array(text.utf8), "&conflict_resolution_strategy=overwrite")
    }

    static func download(_ f: UploadFixture, _ path: String, _ query: String = "") async throws -> Reply {
        let redirect = try await f.app.call(
            .get, "/api/v1/file/\(f.library.id)/-/\(path)?access_token=\(f.token)\(query)")
        guard let location = redirect.header("Location") else { return redirect }
        let response = try await f.app.client.execute(
            uri: location.replacingOccurrences(of: "http://files.test:8080", with: ""), method: .get)
        return Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
    }

    @Test func settingsReadAndWrite() async throws {
        try await UploadFixture.with { f in
            let url = "/api/v1/directory-history/\(f.library.id)/library-history?access_token=\(f.token)"
            #expect(try await f.app.call(.get, url).text == #"{"enableFileHistory":false}"#)
            try await Self.enable(
                f, #"{"enableFileHistory":true,"fileHistoryCount":5,"fileHistoryExpireDay":30,"mergeInterval":10}"#)
            let on = try await f.app.call(
                .get, "/api/v1/directory-history/\(f.library.id)/-/library-history?access_token=\(f.token)")
            let settings = try on.decoded(HistorySettingsAnswer.self)
            #expect(settings.enableFileHistory == true)
            #expect(settings.fileHistoryCount == 5)
            #expect(settings.fileHistoryExpireDay == 30)
            #expect(settings.mergeInterval == 10)
            for (body, code) in [
                (#"{"fileHistoryCount":0}"#, "InvalidFileHistoryCount"),
                (#"{"fileHistoryExpireDay":1000}"#, "InvalidFileHistoryExpireDay"),
                (#"{"mergeInterval":3}"#, "InvalidFileHistoryMergeInterval"),
                (#"{"enableFileHistory":"yes"}"#, "ParamInvalid"),
            ] {
                #expect(try await f.app.call(.post, url, body: body).code == code, "\(body)")
            }
            let iOSOff = try await f.app.call(
                .post, url,
                body:
                    #"{"enableFileHistory":false,"fileHistoryCount":0,"fileHistoryExpireDay":0,"isClearFileHistory":false}"#
            )
            #expect(iOSOff.status == 204, "zeros are not checked while history is off")
            #expect(try await f.app.call(.get, url).decoded(HistorySettingsAnswer.self).fileHistoryCount == nil)
            let uploader = try await f.app.token(f.library, "grant=upload_file")
            #expect(
                try await f.app.call(
                    .get, "/api/v1/directory-history/\(f.library.id)/library-history?access_token=\(uploader)"
                )
                .code == "NoPermission")
        }
    }

    @Test func overwritesKeepVersionsWithinTheCount() async throws {
        try await UploadFixture.with { f in
            try await Self.enable(f, #"{"enableFileHistory":true,"fileHistoryCount":2,"fileHistoryExpireDay":0}"#)
            _ = try await f.upload("plan.txt", Array("one".utf8))
            for text in ["two", "three", "four"] { _ = try await Self.overwrite(f, "plan.txt", text) }
            let listUrl = "/api/v1/directory-history/\(f.library.id)/-/history-list/plan.txt?access_token=\(f.token)"
            let listed = try await f.app.call(.get, "\(listUrl)&page=1&page_size=10")
            #expect(listed.status == 200)
            let versions = try listed.decoded(HistoryListAnswer.self)
            #expect(versions.totalNum == 3, "the latest and two kept versions: the oldest was pruned")
            let contents = versions.contents
            #expect(contents.map(\.version) == [4, 3, 2])
            #expect(contents.map(\.isLatestVersion) == [true, false, false])
            #expect(contents[0].id == nil)
            #expect(contents[1].creationWay == 1)
            #expect(contents.map(\.size) == [4, 5, 3])
            #expect(
                try await f.app.call(.get, "/api/v1/space/\(f.library.id)/-/size?access_token=\(f.token)")
                    .decoded(SizeAnswer.self).size == "12", "versions count toward usage")
            let two = try #require(contents[2].id)
            let three = try #require(contents[1].id)

            let marker = try await f.app.call(.get, "\(listUrl)&limit=1")
            let first = try marker.decoded(HistoryListAnswer.self)
            #expect(first.hasMore == true)
            #expect(first.totalNum == nil)
            let next = try await f.app.call(.get, "\(listUrl)&limit=5&marker=\(first.nextMarker ?? "")")
            #expect(try next.decoded(HistoryListAnswer.self).contents.count == 2)
            let ascending = try await f.app.call(.get, "\(listUrl)&order_by=id&order_by_type=asc")
            #expect(
                try ascending.decoded(HistoryListAnswer.self).contents.map(\.version) == [4, 2, 3],
                "latest first, whatever the order")
            #expect(try await f.app.call(.get, "\(listUrl)&order_by=colour").code == "OrderByNotAllowed")
            #expect(try await f.app.call(.get, "\(listUrl)&marker=zz").code == "MarkerNotFound")
            #expect(try await f.app.call(.get, "\(listUrl)&page=0").code == "ParamInvalid")

            // H7: an older content through the ordinary download, info and HEAD.
            #expect(try await Self.download(f, "plan.txt", "&history_id=\(two)").text == "two")
            let info = try await f.app.call(
                .get, "/api/v1/file/\(f.library.id)/-/plan.txt?info&history_id=\(three)&access_token=\(f.token)")
            #expect(try info.decoded(NodeAnswer.self).size == "5")
            #expect(try info.decoded(NodeAnswer.self).versionId == 3)
            let head = try await f.app.call(
                .head, "/api/v1/file/\(f.library.id)/-/plan.txt?history_id=\(two)&access_token=\(f.token)")
            #expect(head.header("x-smh-size") == "3")
            #expect(
                try await f.app.call(
                    .get, "/api/v1/file/\(f.library.id)/-/plan.txt?info&history_id=999999&access_token=\(f.token)"
                ).code == "DirectoryHistoryNotFound")

            // H5: version 2 becomes the latest; version 4 goes into the history.
            let latest = try await f.app.call(
                .post, "/api/v1/directory-history/\(f.library.id)/-/latest-version/\(two)?access_token=\(f.token)")
            #expect(latest.status == 200)
            #expect(try latest.decoded(LatestVersionAnswer.self).objectKey == "plan.txt")
            #expect(try latest.decoded(LatestVersionAnswer.self).size == "3")
            #expect(try await Self.download(f, "plan.txt").text == "two")
            let after = try await f.app.call(.get, listUrl).decoded(HistoryListAnswer.self).contents
            #expect(after.map(\.version) == [2, 4, 3])
            #expect(after[0].creationWay == 2)
            #expect(
                try await f.app.call(
                    .post, "/api/v1/directory-history/\(f.library.id)/-/latest-version/\(two)?access_token=\(f.token)"
                ).code == "DirectoryHistoryNotFound")

            // H6, then overwrite protection, then the file's deletion releases everything.
            let deleted = try await f.app.call(
                .post, "/api/v1/directory-history/\(f.library.id)/-/delete?access_token=\(f.token)",
                body: "[\"\(three)\", 424242]")
            #expect(deleted.status == 204)
            #expect(try await f.app.call(.get, listUrl).decoded(HistoryListAnswer.self).contents.count == 2)
            #expect(
                try await f.app.call(
                    .post, "/api/v1/directory-history/\(f.library.id)/-/delete?access_token=\(f.token)", body: "[]"
                ).code == "ParamInvalid")
            _ = try await f.upload("other.txt", [1])
            let onto = try await f.app.call(
                .put,
                "/api/v1/file/\(f.library.id)/-/plan.txt?conflict_resolution_strategy=overwrite&access_token=\(f.token)",
                body: #"{"from":"other.txt"}"#)
            #expect(onto.code == "OverwriteFileNotAllowed")
            _ = try await f.app.call(
                .delete, "/api/v1/file/\(f.library.id)/-/plan.txt?permanent=1&access_token=\(f.token)")
            #expect(
                try await f.app.call(.get, "/api/v1/space/\(f.library.id)/-/size?access_token=\(f.token)")
                    .decoded(SizeAnswer.self).size == "1")
            let sha = SHA256.hash(data: Array("four".utf8)).hexString
            #expect(try await f.app.store.read { db in try await BlobRows.refcount(db, sha256: sha) } == 0)
        }
    }

    @Test func expiredVersionsArePruned() async throws {
        try await UploadFixture.with { f in
            try await Self.enable(f, #"{"enableFileHistory":true,"fileHistoryCount":10,"fileHistoryExpireDay":7}"#)
            _ = try await f.upload("e.txt", Array("old".utf8))
            _ = try await Self.overwrite(f, "e.txt", "mid")
            _ = try await Self.overwrite(f, "e.txt", "new!")
            let url = "/api/v1/directory-history/\(f.library.id)/-/history-list/e.txt?access_token=\(f.token)"
            #expect(try await f.app.call(.get, url).decoded(HistoryListAnswer.self).contents.count == 3)
            // Make the oldest version eight days old: the sweeper's pass removes it and frees its bytes.
            try await f.app.execute(
                "UPDATE versions SET created_at = created_at - 691200000 WHERE version_no = 1")
            let now = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
            let pruned = try await f.app.store.pruneExpiredVersions(
                library: LibraryID(f.library.id), days: 7, now: now)
            #expect(pruned == 1)
            let left = try await f.app.call(.get, url).decoded(HistoryListAnswer.self).contents
            #expect(left.map(\.version) == [3, 2])
            #expect(
                try await f.app.call(.get, "/api/v1/space/\(f.library.id)/-/size?access_token=\(f.token)")
                    .decoded(SizeAnswer.self).size == "7")
            #expect(try await f.app.store.recount().report.isClean)
        }
    }

    @Test func mergeIntervalAndDisabledHistoryKeepNothing() async throws {
        try await UploadFixture.with { f in
            _ = try await f.upload("a.txt", Array("1".utf8))
            _ = try await Self.overwrite(f, "a.txt", "2")
            let url = "/api/v1/directory-history/\(f.library.id)/-/history-list/a.txt?access_token=\(f.token)"
            let off = try await f.app.call(.get, url).decoded(HistoryListAnswer.self).contents
            #expect(off.count == 1, "history off: only the latest")
            #expect(off[0].version == 2)
            try await Self.enable(f, #"{"enableFileHistory":true,"fileHistoryCount":5,"mergeInterval":600}"#)
            _ = try await Self.overwrite(f, "a.txt", "3")
            _ = try await Self.overwrite(f, "a.txt", "4")
            let merged = try await f.app.call(.get, url).decoded(HistoryListAnswer.self).contents
            #expect(merged.count == 1, "overwrites within the merge interval keep no version")
            try await Self.enable(f, #"{"mergeInterval":0}"#)
            _ = try await Self.overwrite(f, "a.txt", "5")
            #expect(try await f.app.call(.get, url).decoded(HistoryListAnswer.self).contents.count == 2)
            try await Self.enable(f, #"{"enableFileHistory":false,"isClearFileHistory":true}"#)
            #expect(try await f.app.call(.get, url).decoded(HistoryListAnswer.self).contents.count == 1, "cleared")
            #expect(
                try await f.app.call(
                    .get, "/api/v1/directory-history/\(f.library.id)/-/history-list/nope.txt?access_token=\(f.token)"
                ).code == "FileNotFound")
        }
    }
}
