import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SMHCore
import SMHTestSupport
import Testing

/// Issue 15: the P2 endpoints SMH's SDKs call, with the wire shapes they send.
@Suite struct SDKEndpointTests {
    /// H3 (JS `history.emptyHistory`): `DELETE …/library-history` → `202 {taskId}`; the task removes every version.
    @Test func emptyTheLibrarysHistory() async throws {
        try await UploadFixture.with { f in
            try await HistoryAPITests.enable(f, #"{"enableFileHistory":true,"fileHistoryCount":5}"#)
            _ = try await f.upload("plan.txt", Array("one".utf8))
            for text in ["two", "three"] { _ = try await HistoryAPITests.overwrite(f, "plan.txt", text) }
            _ = try await f.upload("other.txt", Array("x".utf8))
            _ = try await HistoryAPITests.overwrite(f, "other.txt", "xy")
            let url = "/api/v1/directory-history/\(f.library.id)/library-history"
            let enabled = try await f.app.call(.delete, "\(url)?access_token=\(f.token)")
            #expect(enabled.status == 400 && enabled.code == "ParamInvalid", "history must be turned off first")
            let reader = try await f.app.token(f.library)
            #expect(try await f.app.call(.delete, "\(url)?access_token=\(reader)").code == "NoPermission")
            try await HistoryAPITests.enable(f, #"{"enableFileHistory":false}"#)

            let accepted = try await f.app.call(.delete, "\(url)?access_token=\(f.token)")
            #expect(accepted.status == 202)
            let id = try accepted.decoded(TaskStartedAnswer.self).taskId
            try await f.app.deps.jobRunner(logger: Logger(label: "test")).drain()
            let done = try await f.app.call(.get, "/api/v1/task/\(f.library.id)/\(id)?access_token=\(f.token)")
            let task = try #require(try done.decoded([TaskAnswer<[EmptyHistoryResult]>].self).first)
            #expect(task.status == 200)
            let result = try #require(task.result)
            #expect(result.count == 1)
            #expect(result.first?.err == "" && result.first?.status == 0)
            #expect(result.first?.deleteCount == 3)
            // Current contents stay, and usage counts only them.
            #expect(try await HistoryAPITests.download(f, "plan.txt").text == "three")
            let size = try await f.app.call(.get, "/api/v1/space/\(f.library.id)/-/size?access_token=\(f.token)")
            #expect(try size.decoded(SizeAnswer.self).size == "7")
            let listed = try await f.app.call(
                .get, "/api/v1/directory-history/\(f.library.id)/-/history-list/plan.txt?access_token=\(f.token)")
            #expect(try listed.decoded(HistoryListAnswer.self).contents.count == 1, "only the latest is left")
            let stored = try await f.app.store.storedEntries(library: LibraryID(f.library.id), space: SpaceID("-"))
            #expect(stored.history == 0)
            #expect(
                stored
                    == (try await f.app.store.recountedEntries(library: LibraryID(f.library.id), space: SpaceID("-"))))
        }
    }

    /// D-10 (JS `directory.getDirectoryStats`) and §3.10 (JS `space.getFileCountInSpace`), kept right by moves,
    /// recycling, restores and history.
    @Test func directoryStatisticsAndSpaceFileCount() async throws {
        try await UploadFixture.with { f in
            try await HistoryAPITests.enable(f, #"{"enableFileHistory":true,"fileHistoryCount":5}"#)
            let dir = "/api/v1/directory/\(f.library.id)/-"
            for path in ["a", "a/b", "a/b/c", "x"] {
                #expect(try await f.app.call(.put, "\(dir)/\(path)?access_token=\(f.token)").status == 201)
            }
            _ = try await f.upload("a/one.txt", Array("12345".utf8))
            _ = try await f.upload("a/b/two.txt", Array("123".utf8))
            _ = try await f.upload("a/b/c/three.txt", Array("1".utf8))
            _ = try await f.upload("top.txt", Array("1234567890".utf8))
            _ = try await HistoryAPITests.overwrite(f, "a/b/two.txt", "12")
            let stats = { (path: String, query: String) in
                try await f.app.call(.get, "\(dir)/\(path)?stats=1&\(query)&access_token=\(f.token)")
            }
            let a = try await stats("a", "stats_type=normal")
            #expect(a.status == 200)
            #expect(try a.decoded(DirectoryStatsAnswer.self).statsType == "normal")
            #expect(
                try a.decoded(DirectoryStatsAnswer.self).fileCount == 3
                    && a.decoded(DirectoryStatsAnswer.self).dirCount == 2)
            #expect(
                try a.decoded(DirectoryStatsAnswer.self).storage == 5 + 2 + 1, "numbers, recursive, current contents")
            #expect(try a.decoded(DirectoryStatsAnswer.self).statsType == "normal", "every field, userId included")
            let root = try await stats("", "stats_type=normal")
            #expect(
                try root.decoded(DirectoryStatsAnswer.self).fileCount == 4
                    && root.decoded(DirectoryStatsAnswer.self).dirCount == 4)
            #expect(try root.decoded(DirectoryStatsAnswer.self).storage == 18)
            let history = try await stats("a", "stats_type=history")
            #expect(
                try history.decoded(DirectoryStatsAnswer.self).fileCount == 1
                    && history.decoded(DirectoryStatsAnswer.self).storage == 3)
            #expect(try history.decoded(DirectoryStatsAnswer.self).dirCount == 0)
            let bad = try await stats("a", "stats_type=weird")
            #expect(bad.status == 400 && bad.code == "InvalidDirectoryStatsType")
            #expect(try await stats("a", "").code == "InvalidDirectoryStatsType")
            let missing = try await stats("nowhere", "stats_type=normal")
            #expect(missing.status == 404 && missing.code == "DirectoryNotFound")

            // A move changes both sides; recycling takes a subtree into the bin's figures.
            let moved = try await f.app.call(
                .put, "\(dir)/x/b?access_token=\(f.token)", body: #"{"from":"a/b"}"#)
            #expect(moved.status == 200 || moved.status == 204)
            #expect(try await stats("a", "stats_type=normal").decoded(DirectoryStatsAnswer.self).fileCount == 1)
            #expect(try await stats("x", "stats_type=normal").decoded(DirectoryStatsAnswer.self).fileCount == 2)
            let recycled = try await f.app.call(.delete, "\(dir)/x/b?access_token=\(f.token)")
            let item = try recycled.decoded(RecycledAnswer.self).recycledItemId
            #expect(try await stats("x", "stats_type=normal").decoded(DirectoryStatsAnswer.self).fileCount == 0)
            let bin = try await stats("", "stats_type=recycle")
            #expect(
                try bin.decoded(DirectoryStatsAnswer.self).fileCount == 2
                    && bin.decoded(DirectoryStatsAnswer.self).dirCount == 2)
            #expect(try bin.decoded(DirectoryStatsAnswer.self).storage == 3)
            let one = try await stats("", "stats_type=recycle&recycled_id=\(item)")
            #expect(try one.decoded(DirectoryStatsAnswer.self).fileCount == 2)
            #expect(try await stats("", "stats_type=recycle&recycled_id=999999").code == "RecycledItemNotFound")
            #expect(try await stats("a", "stats_type=recycle").code == "ParamInvalid")
            // A restore brings the subtree's figures back; recycled again for what follows.
            let restored = try await f.app.call(
                .post, "/api/v1/recycled/\(f.library.id)/-/\(item)?restore&access_token=\(f.token)")
            #expect(restored.status < 300)
            #expect(try await stats("x", "stats_type=normal").decoded(DirectoryStatsAnswer.self).fileCount == 2)
            #expect(try await stats("", "stats_type=recycle").decoded(DirectoryStatsAnswer.self).fileCount == 0)
            #expect(try await f.app.call(.delete, "\(dir)/x/b?access_token=\(f.token)").status == 200)

            let count = try await f.app.call(
                .get, "/api/v1/space/\(f.library.id)/-/file-count?access_token=\(f.token)")
            #expect(count.status == 200)
            // Files: one.txt, top.txt, two.txt and three.txt (in the bin) + one history version; directories: a, x
            // and the recycled b, c.
            #expect(try count.decoded(FileCountsAnswer.self).fileNum == "5")
            #expect(try count.decoded(FileCountsAnswer.self).dirNum == "4")
            #expect(try count.decoded(FileCountsAnswer.self).recycledFileNum == "2")
            #expect(try count.decoded(FileCountsAnswer.self).recycledDirNum == "2")
            #expect(try count.decoded(FileCountsAnswer.self).historyFileNum == "1")
            let reader = try await f.app.token(f.library)
            let refused = try await f.app.call(
                .get, "/api/v1/space/\(f.library.id)/-/file-count?access_token=\(reader)")
            #expect(refused.status == 403)

            // The counters behind file-count follow every write path: permanent deletes of files with versions and of
            // subtrees, emptying the bin.
            let counters = {
                let stored = try await f.app.store.storedEntries(library: LibraryID(f.library.id), space: SpaceID("-"))
                let recounted = try await f.app.store.recountedEntries(
                    library: LibraryID(f.library.id), space: SpaceID("-"))
                #expect(stored == recounted)
                #expect(stored.files > 0 || stored.directories > 0)
            }
            try await counters()
            #expect(
                try await f.app.call(
                    .delete, "/api/v1/file/\(f.library.id)/-/top.txt?permanent=1&access_token=\(f.token)"
                )
                .status == 204)
            #expect(try await f.app.call(.delete, "\(dir)/a?permanent=1&access_token=\(f.token)").status == 204)
            try await counters()
            #expect(
                try await f.app.call(.delete, "/api/v1/recycled/\(f.library.id)/-?access_token=\(f.token)").status < 300
            )
            try await counters()
            let emptied = try await f.app.call(
                .get, "/api/v1/space/\(f.library.id)/-/file-count?access_token=\(f.token)")
            #expect(
                try emptied.decoded(FileCountsAnswer.self).fileNum == "0"
                    && emptied.decoded(FileCountsAnswer.self).dirNum == "1")
            // smh fsck finds counters that drifted and --repair recounts them.
            #expect(try await f.app.store.entryCounterDrift().isEmpty)
            try await f.app.execute("UPDATE spaces SET file_count = file_count + 7")
            #expect(try await f.app.store.entryCounterDrift().map(\.library) == [f.library.id])
            try await f.app.store.repairEntryCounters()
            #expect(try await f.app.store.entryCounterDrift().isEmpty)
            try await counters()

            // D-11: an already exact recalculation, as a task.
            let calibrate = try await f.app.call(
                .put, "\(dir)/x?calibrate&stats_type=normal&access_token=\(f.token)")
            #expect(calibrate.status == 200)
            #expect(try calibrate.decoded(TaskStartedAnswer.self).taskId > 0)
        }
    }

    /// §3.15 (Java `getStats`): `GET /api/v1/stats/{LibraryId}/space-size[?space_tag=]` → `[{spaceTag, size}]`.
    @Test func spaceSizeByTag() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let team1 = try await app.createSpace(library.id, token: library.admin, body: #"{"spaceTag":"team"}"#)
            _ = try await app.createSpace(library.id, token: library.admin, body: #"{"spaceTag":"team"}"#)
            _ = try await app.createSpace(library.id, token: library.admin, body: #"{"spaceTag":"personal"}"#)
            _ = try await app.createSpace(library.id, token: library.admin)
            let f = UploadFixture(app: app, library: (library.id, library.secret), token: library.admin)
            let begun = try await app.call(
                .put, "/api/v1/file/\(library.id)/\(team1)/a.bin?access_token=\(library.admin)")
            _ = try await f.send(begun, Array(repeating: 7, count: 1234))
            let key = try begun.decoded(BeginUploadAnswer.self).confirmKey
            #expect(
                try await app.call(
                    .post, "/api/v1/file/\(library.id)/\(team1)/\(key)?confirm&access_token=\(library.admin)"
                ).status == 200)
            let url = "/api/v1/stats/\(library.id)/space-size?access_token=\(library.admin)"
            let all = try await app.call(.get, url)
            #expect(all.status == 200)
            let list = try all.decoded([TagSizeAnswer].self)
            #expect(list.map(\.spaceTag) == ["personal", "team"] && list.map(\.size) == ["0", "1234"])
            let one = try await app.call(.get, url + "&space_tag=team")
            #expect(one.text == #"[{"size":"1234","spaceTag":"team"}]"#)
            let none = try await app.call(.get, url + "&space_tag=nobody")
            #expect(none.text == #"[{"size":"0","spaceTag":"nobody"}]"#)
            let reader = try await app.token((library.id, library.secret))
            #expect(
                try await app.call(.get, "/api/v1/stats/\(library.id)/space-size?access_token=\(reader)").status
                    == 403)
        }
    }

    /// §7.1 (JS `recent.listRecentlyUsedFile`): previews with `purpose=preview` and uploads, per user, newest first.
    @Test func recentlyUsedFiles() async throws {
        try await UploadFixture.with { f in
            let pause = { try await Task.sleep(for: .milliseconds(5)) }
            _ = try await f.app.call(.put, "/api/v1/directory/\(f.library.id)/-/docs?access_token=\(f.token)")
            #expect(try await f.upload("docs/a.txt", Array("alpha".utf8)).status == 200)
            try await pause()
            _ = try await f.upload("b.jpg", [0xFF, 0xD8, 0xFF])
            try await pause()
            let file = "/api/v1/file/\(f.library.id)/-"
            #expect(
                try await f.app.call(.get, "\(file)/docs/a.txt?purpose=preview&access_token=\(f.token)").status == 302)
            try await pause()
            #expect(
                try await f.app.call(.get, "\(file)/b.jpg?preview&purpose=preview&access_token=\(f.token)").status
                    == 302)
            try await pause()
            _ = try await f.app.call(.get, "\(file)/docs/a.txt?purpose=list&access_token=\(f.token)")  // not a use
            _ = try await f.upload("c.txt", Array("c".utf8))
            let url = "/api/v1/recent/\(f.library.id)/-/recently-used-file?access_token=\(f.token)"
            let all = try await f.app.call(.post, url, body: #"{"withPath":true}"#)
            #expect(all.status == 200)
            let items = try all.decoded(RecentListAnswer.self).contents
            #expect(items.map(\.name) == ["c.txt", "b.jpg", "a.txt"])
            #expect(items.map(\.actionType) == ["modify", "preview", "preview"])
            #expect(items[2].path == ["docs", "a.txt"])
            #expect(items[2].size == "5" && items[2].inode.count == 32)
            #expect(items[0].operationTime.hasSuffix("Z") && items[0].crc64 != nil)
            #expect(items[0].spaceId == "-")
            let bare = try await f.app.call(.post, url, body: "{}")
            #expect(try bare.decoded(RecentListAnswer.self).contents.first?.path == nil, "path only with withPath")

            let modified = try await f.app.call(.post, url, body: #"{"filterActionBy":"modify"}"#)
            #expect(try modified.decoded(RecentListAnswer.self).contents.map(\.name) == ["c.txt"])
            let images = try await f.app.call(.post, url, body: #"{"type":["image"]}"#)
            #expect(try images.decoded(RecentListAnswer.self).contents.map(\.name) == ["b.jpg"])
            let first = try await f.app.call(.post, url, body: #"{"limit":2}"#)
            let marker = try #require(try first.decoded(RecentListAnswer.self).nextMarker)
            let second = try await f.app.call(.post, url, body: #"{"limit":"2","marker":"\#(marker)"}"#)
            #expect(try second.decoded(RecentListAnswer.self).contents.map(\.name) == ["a.txt"])
            #expect(try second.decoded(RecentListAnswer.self).nextMarker == nil)

            // Deleted files leave the list; another user has a list of their own.
            #expect(try await f.app.call(.delete, "\(file)/c.txt?access_token=\(f.token)").status == 200)
            let after = try await f.app.call(.post, url, body: "{}")
            #expect(try after.decoded(RecentListAnswer.self).contents.map(\.name) == ["b.jpg", "a.txt"])
            let other = try await f.app.token(f.library, "user_id=someone-else")
            let theirs = try await f.app.call(
                .post, "/api/v1/recent/\(f.library.id)/-/recently-used-file?access_token=\(other)", body: "{}")
            #expect(theirs.status == 200)
            #expect(try theirs.decoded(RecentListAnswer.self).contents.isEmpty)
            #expect(try await f.app.call(.post, url, body: #"{"filterActionBy":"edit"}"#).code == "ParamInvalid")
            #expect(try await f.app.call(.post, url, body: #"{"limit":0}"#).code == "ParamInvalid")
            #expect(try await f.app.call(.post, url, body: #"{"marker":"x"}"#).code == "ParamInvalid")
            let anonymous = try await f.app.call(
                .post, "/api/v1/recent/\(f.library.id)/-/recently-used-file", body: "{}")
            #expect(anonymous.code == "EmptyAccessToken")
        }
    }

    /// F-03 + F-04.4 (JS `file.formUploadFile`): begin answers `201` with `domain`, `path: "/"` and the `form`
    /// fields; the form (fields first, then `file`) is posted to the data plane (`204`); confirm makes the file.
    @Test func formUpload() async throws {
        try await UploadFixture.with { f in
            let content = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let begun = try await f.app.call(
                .post, "/api/v1/file/\(f.library.id)/-/form.bin?filesize=200000&access_token=\(f.token)",
                body: #"{"labels":["web"]}"#)
            #expect(begun.status == 201)
            let task = try begun.decoded(FormBeginAnswer.self)
            #expect(task.domain == "files.test:8080")
            #expect(task.path == "/")
            let form = task.form
            let key = task.confirmKey
            #expect(form["key"] == key && form["policy"] != nil && form["Content-Type"] == "application/octet-stream")

            let boundary = "----smhFormBoundary7MA4YWxk"
            func post(_ fields: [String: String], _ bytes: [UInt8], cutAt: Int? = nil) async throws -> (Int, String?) {
                var body: [UInt8] = []
                for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
                    body += Array(
                        "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
                }
                body += Array(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"form.bin\"\r\n\r\n".utf8
                )
                body += bytes + Array("\r\n--\(boundary)--\r\n".utf8)
                if let cutAt { body = Array(body.prefix(cutAt)) }
                let response = try await f.app.client.execute(
                    uri: "/", method: .post,
                    headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                    body: ByteBuffer(bytes: body))
                let text = String(buffer: response.body)
                let code = (try? JSONDecoder().decode(ErrorAnswer.self, from: Data(text.utf8)))?.code
                return (Int(response.status.code), code)
            }
            // A forged policy, a missing key and a truncated body are refused, and nothing is attached.
            var forged = form
            forged["policy"] = "OpenSMH-UP 99999999999.abc"
            #expect(try await post(forged, content).1 == "InvalidAccessToken")
            var keyless = form
            keyless["key"] = nil
            #expect(try await post(keyless, content).0 == 404)
            #expect(try await post(form, content, cutAt: 1000).1 == "IncompleteBody")
            let plain = try await f.app.client.execute(
                uri: "/", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}"))
            #expect(plain.status.code == 400)

            let sent = try await post(form, content)
            #expect(sent.0 == 204)
            let confirmed = try await f.confirm(begun)
            #expect(confirmed.status == 200)
            #expect(try confirmed.decoded(NodeAnswer.self).size == "200000")
            let info = try await f.app.call(
                .get, "/api/v1/file/\(f.library.id)/-/form.bin?info&access_token=\(f.token)")
            #expect(try info.decoded(NodeAnswer.self).labels == ["web"], "the begin body's description is kept")
            let redirect = try await f.app.call(.get, "/api/v1/file/\(f.library.id)/-/form.bin?access_token=\(f.token)")
            let location = try #require(redirect.header("Location"))
            let fetched = try await f.app.client.execute(
                uri: location.replacingOccurrences(of: "http://files.test:8080", with: ""), method: .get)
            #expect(Array(buffer: fetched.body) == content)
        }
    }

    /// Item 1 widened, item 3 decided: boolean-ish settings fields accept the SDKs' string forms; unknown fields are
    /// ignored as spec 10 says ("Unknown JSON fields are ignored"), while the aliases the SDKs send are honoured.
    @Test func stringFlagsAndUnknownFields() async throws {
        try await UploadFixture.with { f in
            let url = "/api/v1/directory-history/\(f.library.id)/library-history?access_token=\(f.token)"
            let set = try await f.app.call(
                .post, url, body: #"{"enableFileHistory":"true","fileHistoryCount":"7","mergeInterval":"0"}"#)
            #expect(set.status == 204)
            let shown = try await f.app.call(.get, url)
            let settings = try shown.decoded(HistorySettingsAnswer.self)
            #expect(settings.enableFileHistory == true && settings.fileHistoryCount == 7)
            let off = try await f.app.call(.post, url, body: #"{"enableFileHistory":"0","isClearFileHistory":"1"}"#)
            #expect(off.status == 204)
            #expect(try await f.app.call(.get, url).decoded(HistorySettingsAnswer.self).enableFileHistory == false)
            let bad = try await f.app.call(.post, url, body: #"{"enableFileHistory":"maybe"}"#)
            #expect(bad.status == 400 && bad.code == "ParamInvalid")
            #expect(try bad.decoded(ErrorAnswer.self).message.contains("enableFileHistory"))
        }
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let reply = try await app.call(
                .post, "/api/v1/space/\(library.id)?access_token=\(library.admin)",
                body: #"{"bogusField":1,"publicRead":true}"#)
            #expect(reply.status == 201, "unknown fields are ignored")
            let id = try reply.decoded(SpaceCreatedAnswer.self).spaceId
            let shown = try await app.call(
                .get, "/api/v1/space/\(library.id)/\(id)/extension?access_token=\(library.admin)")
            #expect(
                try shown.decoded(SpaceSettingsAnswer.self).isPublicRead == true,
                "the Java SDK's alias does not fall through")
        }
    }
}
