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
            let alphaInode = try added.decoded(FavoriteAddedAnswer.self).inode
            #expect(alphaInode.count == 32)
            try await Task.sleep(for: .milliseconds(3))
            let plan = try await f.app.call(
                .post, "\(fav)?access_token=\(alice)", body: #"{"path":"projects/plan.txt"}"#)
            let planInode = try plan.decoded(FavoriteAddedAnswer.self).inode
            try await Task.sleep(for: .milliseconds(3))
            let notesInode = try #require(
                try await f.app.call(
                    .get, "/api/v1/directory/\(lib)/-/notes.txt?info&with_inode=1&access_token=\(f.token)"
                )
                .decoded(NodeAnswer.self).inode)
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
            let contents = try listed.decoded(FavoriteListAnswer.self).contents
            #expect(contents.map(\.inode) == [notesInode, planInode, alphaInode])
            #expect(contents[2].type == "dir")
            #expect(contents[2].path == ["projects", "alpha"])
            #expect(contents[1].size == "4")
            #expect(contents[1].userId == "alice")
            #expect(contents[0].spaceId == "-")
            #expect(
                try await f.app.call(.get, "\(fav)/list?access_token=\(bob)").decoded(FavoriteListAnswer.self).contents
                    .count == 1)
            let noPath = try await f.app.call(.get, "\(fav)/list?access_token=\(alice)").decoded(
                FavoriteListAnswer.self
            ).contents
            #expect(noPath[0].path == nil)

            // Marker paging, oldest first, and page style with totalNum.
            let first = try await f.app.call(.get, "\(fav)/list?limit=2&order_by_type=asc&access_token=\(alice)")
            #expect(try first.decoded(FavoriteListAnswer.self).contents.map(\.inode) == [alphaInode, planInode])
            let marker = try #require(try first.decoded(FavoriteListAnswer.self).nextMarker)
            let second = try await f.app.call(
                .get, "\(fav)/list?limit=2&order_by_type=asc&marker=\(marker)&access_token=\(alice)")
            #expect(try second.decoded(FavoriteListAnswer.self).contents.map(\.inode) == [notesInode])
            #expect(try second.decoded(FavoriteListAnswer.self).nextMarker == nil)
            let paged = try await f.app.call(.get, "\(fav)/list?page=2&page_size=2&access_token=\(alice)")
            #expect(try paged.decoded(FavoriteListAnswer.self).totalNum == 3)
            #expect(try paged.decoded(FavoriteListAnswer.self).contents.count == 1)
            #expect(try await f.app.call(.get, "\(fav)/list?marker=zzz&access_token=\(alice)").code == "ParamInvalid")
            #expect(
                try await f.app.call(.get, "\(fav)/list?order_by_type=up&access_token=\(alice)").code
                    == "OrderByTypeNotAllowed")

            // A move is followed; a delete leaves the entry with an empty name, and restoring brings it back.
            _ = try await f.app.call(
                .put, "/api/v1/file/\(lib)/-/projects/alpha/plan-v2.txt?access_token=\(f.token)",
                body: #"{"from":"projects/plan.txt"}"#)
            let moved = try await f.app.call(.get, "\(fav)/list?with_path=1&access_token=\(alice)")
                .decoded(FavoriteListAnswer.self).contents
            #expect(moved[1].path == ["projects", "alpha", "plan-v2.txt"])
            #expect(moved[1].name == "plan-v2.txt")
            let recycled = try await f.app.call(.delete, "/api/v1/directory/\(lib)/-/projects?access_token=\(f.token)")
            let gone = try await f.app.call(.get, "\(fav)/list?access_token=\(alice)").decoded(FavoriteListAnswer.self)
                .contents
            #expect(gone[1].name == "")
            #expect(gone[1].type == nil)
            #expect(gone[1].size == nil)
            #expect(gone[2].name == "", "a directory in the recycle bin hides what is below it")
            let item = try recycled.decoded(RecycledAnswer.self).recycledItemId
            _ = try await f.app.call(.post, "/api/v1/recycled/\(lib)/-/\(item)?restore&access_token=\(f.token)")
            let back = try await f.app.call(.get, "\(fav)/list?access_token=\(alice)").decoded(FavoriteListAnswer.self)
                .contents
            #expect(back[2].name == "alpha")

            // isFavorite flags, then removal (by inode also for deleted targets).
            let listing = try await f.app.call(
                .get, "/api/v1/directory/\(lib)/-/?with_favorite_status=1&access_token=\(alice)")
            let flags = try listing.decoded(ListingAnswer.self).contents.map { ($0.name, $0.isFavorite) }
            #expect(flags.first { $0.0 == "notes.txt" }?.1 == true)
            #expect(flags.first { $0.0 == "projects" }?.1 == false)
            let info = try await f.app.call(
                .get, "/api/v1/directory/\(lib)/-/notes.txt?info&with_favorite_status=1&access_token=\(bob)")
            #expect(try info.decoded(NodeAnswer.self).isFavorite == true)
            let fileInfo = "/api/v1/file/\(lib)/-/notes.txt?info&with_favorite_status=1&access_token="
            #expect(try await f.app.call(.get, fileInfo + alice).decoded(NodeAnswer.self).isFavorite == true)
            let notAlice = try await f.app.call(.get, fileInfo + f.token)
            #expect(try notAlice.decoded(NodeAnswer.self).isFavorite == false)
            #expect(
                try await f.app.call(.get, "/api/v1/file/\(lib)/-/notes.txt?info&access_token=\(alice)")
                    .decoded(NodeAnswer.self).isFavorite == nil)
            let previewInfo = try await f.app.call(
                .get, "/api/v1/file/\(lib)/-/notes.txt?info&preview=1&access_token=\(alice)")
            #expect(previewInfo.status == 200)
            #expect(try previewInfo.decoded(NodeAnswer.self).cosUrl != nil)
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
                try await f.app.call(.get, "\(fav)/list?access_token=\(alice)").decoded(FavoriteListAnswer.self)
                    .contents.count == 1)
        }
    }
}
