import Foundation
import SMHTestSupport
import Testing

/// Spec 30 §6 (F1–F3): per user and space, following moves, deleted targets listed with an empty name.
@Suite struct FavoriteAPITests {
    @Test func addListRemoveAcrossMovesAndDeletes() async throws {
        try await UploadFixture.with { f in
            let lib = f.library.id
            let alice = try await f.app.token(f.library, "grant=admin&user_id=alice")
            let bob = try await f.app.token(f.library, "grant=admin&user_id=bob")
            _ = try await f.app.call(.put, "/api/v1/directory/\(lib)/-/projects/alpha?access_token=\(f.token)")
            _ = try await f.upload("projects/plan.txt", Array("plan".utf8))
            _ = try await f.upload("notes.txt", Array("notes".utf8))
            let fav = "/api/v1/favorite/\(lib)/-"

            let added = try await f.app.call(.post, "\(fav)?access_token=\(alice)", body: #"{"path":"projects/alpha"}"#)
            #expect(added.status == 200)
            let alphaInode = try #require(added.json["inode"] as? String)
            #expect(alphaInode.count == 32)
            try await Task.sleep(for: .milliseconds(3))
            let plan = try await f.app.call(
                .post, "\(fav)?access_token=\(alice)", body: #"{"path":"projects/plan.txt"}"#)
            let planInode = try #require(plan.json["inode"] as? String)
            try await Task.sleep(for: .milliseconds(3))
            let notesInode = try #require(
                try await f.app.call(
                    .get, "/api/v1/directory/\(lib)/-/notes.txt?info&with_inode=1&access_token=\(f.token)"
                )
                .json["inode"] as? String)
            #expect(
                try await f.app.call(
                    .post, "\(fav)?access_token=\(alice)", body: #"{"inode":"\#(notesInode)","path":"nope"}"#
                )
                .status == 200, "inode wins over path")
            let duplicate = try await f.app.call(.post, "\(fav)?access_token=\(alice)", body: #"{"path":"notes.txt"}"#)
            #expect(duplicate.status == 409)
            #expect(duplicate.code == "DuplicateFavoriteRecord")
            #expect(try await f.app.call(.post, "\(fav)?access_token=\(alice)", body: "{}").code == "ParamInvalid")
            #expect(
                try await f.app.call(.post, "\(fav)?access_token=\(alice)", body: #"{"path":"missing.txt"}"#).code
                    == "FileNotFound")
            #expect(try await f.app.call(.post, "\(fav)?access_token=\(alice)", body: #"{"path":"/"}"#).status == 400)
            _ = try await f.app.call(.post, "\(fav)?access_token=\(bob)", body: #"{"path":"notes.txt"}"#)

            // Newest first by default; per user.
            let listed = try await f.app.call(.get, "\(fav)/list?with_path=true&access_token=\(alice)")
            #expect(listed.status == 200)
            let contents = try #require(listed.json["contents"] as? [[String: Any]])
            #expect(contents.map { $0["inode"] as? String } == [notesInode, planInode, alphaInode])
            #expect(contents[2]["type"] as? String == "dir")
            #expect(contents[2]["path"] as? [String] == ["projects", "alpha"])
            #expect(contents[1]["size"] as? String == "4")
            #expect(contents[1]["userId"] as? String == "alice")
            #expect(contents[0]["spaceId"] as? String == "-")
            #expect(
                (try await f.app.call(.get, "\(fav)/list?access_token=\(bob)").json["contents"] as? [[String: Any]])?
                    .count == 1)
            let noPath = try #require(
                try await f.app.call(.get, "\(fav)/list?access_token=\(alice)").json["contents"] as? [[String: Any]])
            #expect(noPath[0]["path"] == nil)

            // Marker paging, oldest first, and page style with totalNum.
            let first = try await f.app.call(.get, "\(fav)/list?limit=2&order_by_type=asc&access_token=\(alice)")
            #expect(
                (first.json["contents"] as? [[String: Any]])?.map { $0["inode"] as? String } == [alphaInode, planInode])
            let marker = try #require(first.json["nextMarker"] as? String)
            let second = try await f.app.call(
                .get, "\(fav)/list?limit=2&order_by_type=asc&marker=\(marker)&access_token=\(alice)")
            #expect((second.json["contents"] as? [[String: Any]])?.map { $0["inode"] as? String } == [notesInode])
            #expect(second.json["nextMarker"] == nil)
            let paged = try await f.app.call(.get, "\(fav)/list?page=2&page_size=2&access_token=\(alice)")
            #expect(paged.json["totalNum"] as? Int == 3)
            #expect((paged.json["contents"] as? [[String: Any]])?.count == 1)
            #expect(try await f.app.call(.get, "\(fav)/list?marker=zzz&access_token=\(alice)").code == "ParamInvalid")
            #expect(
                try await f.app.call(.get, "\(fav)/list?order_by_type=up&access_token=\(alice)").code
                    == "OrderByTypeNotAllowed")

            // A move is followed; a delete leaves the entry with an empty name, and restoring brings it back.
            _ = try await f.app.call(
                .put, "/api/v1/file/\(lib)/-/projects/alpha/plan-v2.txt?access_token=\(f.token)",
                body: #"{"from":"projects/plan.txt"}"#)
            let moved = try #require(
                try await f.app.call(.get, "\(fav)/list?with_path=1&access_token=\(alice)").json["contents"]
                    as? [[String: Any]])
            #expect(moved[1]["path"] as? [String] == ["projects", "alpha", "plan-v2.txt"])
            #expect(moved[1]["name"] as? String == "plan-v2.txt")
            let recycled = try await f.app.call(.delete, "/api/v1/directory/\(lib)/-/projects?access_token=\(f.token)")
            let gone = try #require(
                try await f.app.call(.get, "\(fav)/list?access_token=\(alice)").json["contents"] as? [[String: Any]])
            #expect(gone[1]["name"] as? String == "")
            #expect(gone[1]["type"] == nil)
            #expect(gone[1]["size"] == nil)
            #expect(gone[2]["name"] as? String == "", "a directory in the recycle bin hides what is below it")
            let item = try #require(recycled.json["recycledItemId"] as? Int)
            _ = try await f.app.call(.post, "/api/v1/recycled/\(lib)/-/\(item)?restore&access_token=\(f.token)")
            let back = try #require(
                try await f.app.call(.get, "\(fav)/list?access_token=\(alice)").json["contents"] as? [[String: Any]])
            #expect(back[2]["name"] as? String == "alpha")

            // isFavorite flags, then removal (by inode also for deleted targets).
            let listing = try await f.app.call(
                .get, "/api/v1/directory/\(lib)/-/?with_favorite_status=1&access_token=\(alice)")
            let flags = (listing.json["contents"] as? [[String: Any]] ?? []).map {
                ($0["name"] as? String ?? "", $0["isFavorite"] as? Bool)
            }
            #expect(flags.first { $0.0 == "notes.txt" }?.1 == true)
            #expect(flags.first { $0.0 == "projects" }?.1 == false)
            let info = try await f.app.call(
                .get, "/api/v1/directory/\(lib)/-/notes.txt?info&with_favorite_status=1&access_token=\(bob)")
            #expect(info.json["isFavorite"] as? Bool == true)
            let fileInfo = "/api/v1/file/\(lib)/-/notes.txt?info&with_favorite_status=1&access_token="
            #expect(try await f.app.call(.get, fileInfo + alice).json["isFavorite"] as? Bool == true)
            let notAlice = try await f.app.call(.get, fileInfo + f.token)
            #expect(notAlice.json["isFavorite"] as? Bool == false)
            #expect(
                try await f.app.call(.get, "/api/v1/file/\(lib)/-/notes.txt?info&access_token=\(alice)").json[
                    "isFavorite"] == nil)
            let previewInfo = try await f.app.call(
                .get, "/api/v1/file/\(lib)/-/notes.txt?info&preview=1&access_token=\(alice)")
            #expect(previewInfo.status == 200)
            #expect(previewInfo.json["cosUrl"] is String)
            #expect(
                try await f.app.call(.post, "\(fav)?cancel&access_token=\(alice)", body: #"{"path":"notes.txt"}"#)
                    .status == 204)
            let again = try await f.app.call(
                .post, "\(fav)?cancel&access_token=\(alice)", body: #"{"path":"notes.txt"}"#)
            #expect(again.status == 404)
            #expect(again.code == "FavoriteIdNotFound")
            _ = try await f.app.call(
                .delete, "/api/v1/file/\(lib)/-/projects/alpha/plan-v2.txt?permanent=1&access_token=\(f.token)")
            #expect(
                try await f.app.call(.post, "\(fav)?cancel&access_token=\(alice)", body: #"{"inode":"\#(planInode)"}"#)
                    .status == 204)
            #expect(
                (try await f.app.call(.get, "\(fav)/list?access_token=\(alice)").json["contents"] as? [[String: Any]])?
                    .count == 1)
        }
    }
}
