import Foundation
import HTTPTypes
import SMHCore
import SMHTestSupport
import SQLKit
import Testing

/// Spec 10 §3: tenant spaces, their settings, counts, sizes and usage, and space isolation.
@Suite struct SpaceAPITests {
    @Test func createWithGeneratedAndCustomIds() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let generated = try await app.createSpace(library.id, token: library.admin)
            #expect(generated.hasPrefix("space") && generated.count == 18)
            let custom = try await app.createSpace(library.id, token: library.admin, query: "&space_id=team-design")
            #expect(custom == "team-design")

            for bad in [
                "Team", "a", "-ab", "ab-", "a_b", String(repeating: "a", count: 33), "list", "count", "team-design",
                "%E6%96%87",
            ] {
                let reply = try await app.call(
                    .post, "/api/v1/space/\(library.id)?access_token=\(library.admin)&space_id=\(bad)")
                #expect(reply.status == 400, "space_id=\(bad)")
                #expect(reply.code == "SpaceIdInvalid", "space_id=\(bad)")
            }
            let badBody = try await app.call(
                .post, "/api/v1/space/\(library.id)?access_token=\(library.admin)", body: #"{"isPublicRead":"yes"}"#)
            #expect(badBody.code == "ParamInvalid")
            let notJSON = try await app.call(
                .post, "/api/v1/space/\(library.id)?access_token=\(library.admin)", body: "{")
            #expect(notJSON.code == "BadRequest")
        }
    }

    @Test func spaceManagementNeedsAMultiTenantLibrary() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary()
            let admin = try await app.token(library, "grant=admin")
            for (method, path) in [
                (HTTPRequest.Method.post, "/api/v1/space/\(library.id)"), (.get, "/api/v1/space/\(library.id)/list"),
                (.get, "/api/v1/space/\(library.id)/count"), (.delete, "/api/v1/space/\(library.id)/-"),
                (.get, "/api/v1/space/\(library.id)"),
            ] {
                let reply = try await app.call(method, path + "?access_token=\(admin)")
                #expect(reply.status == 400, "\(path)")
                #expect(reply.code == "NotMultiSpaceLibrary", "\(path)")
            }
        }
    }

    @Test func listPagesWithMarkersAndShowsOwnSpacesToOrdinaryUsers() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let lib = (library.id, library.secret)
            let aliceCreator = try await app.token(lib, "grant=create_space&user_id=alice")
            var alice: [String] = []
            for name in ["a-1", "a-2", "a-3"] {
                alice.append(try await app.createSpace(library.id, token: aliceCreator, query: "&space_id=\(name)"))
            }
            let bob = try await app.createSpace(
                library.id, token: library.admin, query: "&space_id=b-1&user_id=bob")
            // The admin token has no user, so user_id selects who creates (spec 10 §2.3).

            var seen: [String] = []
            var marker: String?
            var pages = 0
            repeat {
                let reply = try await app.call(
                    .get,
                    "/api/v1/space/\(library.id)/list?access_token=\(library.admin)&limit=2"
                        + (marker.map { "&marker=\($0)" } ?? ""))
                #expect(reply.status == 200)
                let page = try reply.decoded(SpaceListAnswer.self)
                seen += page.list.map(\.spaceId)
                marker = page.nextMarker
                #expect(page.marker == marker)
                if marker == nil { #expect(!reply.text.contains("nextMarker"), "absent, not null, on the last page") }
                pages += 1
            } while marker != nil && pages < 10
            #expect(seen == ["a-1", "a-2", "a-3", "b-1"])
            #expect(pages == 2)

            let all = try await app.call(.get, "/api/v1/space/\(library.id)/list?access_token=\(library.admin)")
            let first = try #require(try all.decoded(SpaceListAnswer.self).list.last)
            #expect(first.userId == "bob")
            #expect(first.creationTime.hasSuffix("Z"))

            let aliceReader = try await app.token(lib, "user_id=alice")
            let own = try await app.call(.get, "/api/v1/space/\(library.id)/list?access_token=\(aliceReader)")
            #expect(try own.decoded(SpaceListAnswer.self).list.map(\.spaceId) == alice)
            let legacy = try await app.call(.get, "/api/v1/space/\(library.id)?access_token=\(aliceReader)")
            #expect(try legacy.decoded([SpaceListAnswer.Item].self).map(\.spaceId) == alice)
            #expect(bob == "b-1")

            let ordered = try await app.call(
                .get,
                "/api/v1/space/\(library.id)/list?access_token=\(library.admin)&ordered=1&prefix=a-&start_name=a-1")
            #expect(try ordered.decoded(SpaceListAnswer.self).list.map(\.spaceId) == ["a-2", "a-3"])

            let badMarker = try await app.call(
                .get, "/api/v1/space/\(library.id)/list?access_token=\(library.admin)&marker=zzz")
            #expect(badMarker.status == 404)
            #expect(badMarker.code == "MarkerNotFound")
            for limit in ["0", "1001", "x"] {
                let reply = try await app.call(
                    .get, "/api/v1/space/\(library.id)/list?access_token=\(library.admin)&limit=\(limit)")
                #expect(reply.code == "ParamInvalid", "limit=\(limit)")
            }
            let count = try await app.call(.get, "/api/v1/space/\(library.id)/count?access_token=\(aliceReader)")
            #expect(try count.decoded(SpaceCountAnswer.self).total == 4)
        }
    }

    @Test func deleteRespectsForceAndPermission() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let space = try await app.createSpace(library.id, token: library.admin)
            let reader = try await app.token((library.id, library.secret), "space_id=\(space)")
            let refused = try await app.call(.delete, "/api/v1/space/\(library.id)/\(space)?access_token=\(reader)")
            #expect(refused.status == 403)
            #expect(refused.code == "NoPermission")

            try await app.execute(
                """
                INSERT INTO nodes (library_id, space_id, parent_id, name, kind, created_at, updated_at)
                SELECT library_id, id, root_inode, 'docs', 'dir', 1, 1 FROM spaces WHERE id = '\(space)'
                """)
            let notEmpty = try await app.call(
                .delete, "/api/v1/space/\(library.id)/\(space)?access_token=\(library.admin)")
            #expect(notEmpty.status == 409)
            #expect(notEmpty.code == "SpaceNotEmpty")
            let forced = try await app.call(
                .delete, "/api/v1/space/\(library.id)/\(space)?access_token=\(library.admin)&force=1")
            #expect(forced.status == 204)
            let gone = try await app.call(
                .get, "/api/v1/space/\(library.id)/\(space)/size?access_token=\(library.admin)")
            #expect(gone.status == 404)
            #expect(gone.code == "SpaceNotFound")
            let again = try await app.call(
                .delete, "/api/v1/space/\(library.id)/\(space)?access_token=\(library.admin)")
            #expect(again.code == "SpaceNotFound")
            let dash = try await app.call(.delete, "/api/v1/space/\(library.id)/-?access_token=\(library.admin)")
            #expect(dash.code == "NotMultiSpaceLibrary")
        }
    }

    @Test func extensionReadAndUpdate() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary(#"{"name":"m","multiSpace":true,"libraryType":"media"}"#)
            let admin = try await app.token(library, "grant=admin")
            let space = try await app.createSpace(
                library.id, token: admin,
                body:
                    #"{"isMultiAlbum":true,"allowPhoto":true,"allowPhotoExtname":[".jpg"],"spaceTag":"team","unknown":1}"#
            )
            let url = "/api/v1/space/\(library.id)/\(space)/extension?access_token=\(admin)"
            let shown = try await app.call(.get, url)
            #expect(shown.status == 200)
            let settings = try shown.decoded(SpaceSettingsAnswer.self)
            #expect(settings.isMultiAlbum == true)
            #expect(settings.allowPhoto == true)
            #expect(settings.allowVideo == false)
            #expect(settings.allowPhotoExtname == [".jpg"])
            #expect(settings.spaceTag == "team")

            let updated = try await app.call(
                .post, url, body: #"{"isPublicRead":true,"isMultiAlbum":false,"spaceTag":null}"#)
            #expect(updated.status == 204)
            let after = try await app.call(.get, url)
            let changed = try after.decoded(SpaceSettingsAnswer.self)
            #expect(changed.isPublicRead == true)
            #expect(changed.isMultiAlbum == true, "fixed at creation")
            #expect(changed.allowPhoto == true, "absent fields are unchanged")
            #expect(changed.spaceTag == nil)

            let badType = try await app.call(.post, url, body: #"{"allowPhoto":1}"#)
            #expect(badType.code == "ParamInvalid")
            let badExt = try await app.call(.post, url, body: #"{"allowPhotoExtname":["jpg"]}"#)
            #expect(badExt.code == "ParamInvalid")

            let reader = try await app.token(library, "space_id=\(space)")
            let readerView = try await app.call(
                .get, "/api/v1/space/\(library.id)/\(space)/extension?access_token=\(reader)")
            #expect(readerView.status == 200)
            let readerUpdate = try await app.call(
                .post, "/api/v1/space/\(library.id)/\(space)/extension?access_token=\(reader)", body: "{}")
            #expect(readerUpdate.code == "NoPermission")
        }
    }

    /// Issue 15: the Java SDK's beans send and read `publicRead` / `multiAlbum`.
    @Test func javaSDKSpellingsOfTheExtension() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary(#"{"name":"m","multiSpace":true,"libraryType":"media"}"#)
            let admin = try await app.token(library, "grant=admin")
            let space = try await app.createSpace(
                library.id, token: admin, body: #"{"publicRead":true,"multiAlbum":true}"#)
            let url = "/api/v1/space/\(library.id)/\(space)/extension?access_token=\(admin)"
            let shown = try await app.call(.get, url)
            let settings = try shown.decoded(SpaceSettingsAnswer.self)
            #expect(
                [settings.isPublicRead, settings.publicRead, settings.isMultiAlbum, settings.multiAlbum] == [
                    true, true, true, true,
                ])
            // The space is public for real: anonymous reads of its contents are admitted.
            let anonymous = try await app.call(.get, "/api/v1/directory/\(library.id)/\(space)")
            #expect(anonymous.status == 200)

            #expect(try await app.call(.post, url, body: #"{"publicRead":false}"#).status == 204)
            let after = try await app.call(.get, url)
            #expect(try after.decoded(SpaceSettingsAnswer.self).isPublicRead == false)
            #expect(try after.decoded(SpaceSettingsAnswer.self).publicRead == false)
            let conflict = try await app.call(.post, url, body: #"{"isPublicRead":true,"publicRead":false}"#)
            #expect(conflict.status == 400)
            #expect(conflict.code == "ParamInvalid")
            let badType = try await app.call(.post, url, body: #"{"publicRead":"yes"}"#)
            #expect(badType.code == "ParamInvalid")
        }
    }

    @Test func singleTenantSpaceDashMirrorsTheLibrarySettings() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary(#"{"name":"s","isPublicRead":false}"#)
            let admin = try await app.token(library, "grant=admin")
            let url = "/api/v1/space/\(library.id)/-/extension?access_token=\(admin)"
            #expect(try await app.call(.get, url).decoded(SpaceSettingsAnswer.self).isPublicRead == false)
            #expect(try await app.call(.post, url, body: #"{"isPublicRead":true}"#).status == 204)
            #expect(try await app.call(.get, url).decoded(SpaceSettingsAnswer.self).isPublicRead == true)
            #expect(
                try await app.call(.get, "/admin/v1/libraries/\(library.id)").decoded(LibraryAnswer.self).isPublicRead
                    == true)
            let other = try await app.call(.get, "/api/v1/space/\(library.id)/space1/extension?access_token=\(admin)")
            #expect(other.status == 404)
            #expect(other.code == "SpaceNotFound")
        }
    }

    @Test func sizeAndUsage() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary(
                #"{"name":"q","multiSpace":true,"enableQuota":true,"libraryQuota":"1000"}"#)
            let admin = try await app.token(library, "grant=admin")
            let a = try await app.createSpace(library.id, token: admin, query: "&space_id=aa")
            let b = try await app.createSpace(library.id, token: admin, query: "&space_id=bb")
            try await app.execute("UPDATE spaces SET used_bytes = 300 WHERE id = 'aa'")
            try await app.execute("UPDATE spaces SET used_bytes = 50 WHERE id = 'bb'")

            let size = try await app.call(.get, "/api/v1/space/\(library.id)/\(a)/size?access_token=\(admin)")
            #expect(try size.decoded(SizeAnswer.self).size == "300")

            let usage = try await app.call(.get, "/api/v1/usage/\(library.id)?access_token=\(admin)")
            #expect(usage.status == 200)
            let used = try usage.decoded(LibraryUsageAnswer.self)
            #expect(used.totalFileSize == "350")
            #expect(used.capacity == "1000")
            #expect(used.availableSpace == "650")
            #expect(used.totalAllocatedSpaceQuota == "0")

            let batch = try await app.call(.get, "/api/v1/usage/\(library.id)/\(b),\(a)?access_token=\(admin)")
            let items = try batch.decoded([SpaceUsageAnswer].self)
            #expect(items.map(\.spaceId) == ["bb", "aa"])
            #expect(items.map(\.size) == ["50", "300"])
            #expect(items.allSatisfy { $0.capacity == nil && $0.availableSpace == nil })
            #expect(batch.text.contains(#""capacity":null"#), "no quota is an explicit null")

            let spaceAdmin = try await app.token(library, "grant=space_admin&space_id=\(a)")
            #expect(
                try await app.call(.get, "/api/v1/usage/\(library.id)/\(a)?access_token=\(spaceAdmin)").status == 200)
            let outside = try await app.call(.get, "/api/v1/usage/\(library.id)/\(b)?access_token=\(spaceAdmin)")
            #expect(outside.code == "AccessTokenNotMatchSpace")
            let libraryWide = try await app.call(.get, "/api/v1/usage/\(library.id)?access_token=\(spaceAdmin)")
            #expect(libraryWide.code == "NoPermission")
            let reader = try await app.token(library, "space_id=\(a)")
            #expect(
                try await app.call(.get, "/api/v1/usage/\(library.id)/\(a)?access_token=\(reader)").code
                    == "NoPermission")
            let missing = try await app.call(.get, "/api/v1/usage/\(library.id)/nope?access_token=\(admin)")
            #expect(missing.code == "SpaceNotFound")
        }
    }

    @Test func aTokenNeverReachesAnotherSpaceOrLibrary() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let a = try await app.createSpace(library.id, token: library.admin)
            let b = try await app.createSpace(library.id, token: library.admin)
            let lib = (library.id, library.secret)
            let onlyA = try await app.token(lib, "grant=space_admin&space_id=\(a)")
            let adminOfA = try await app.token(lib, "grant=admin&space_id=\(a)")
            let noScope = try await app.token(lib, "grant=space_admin")
            for token in [onlyA, adminOfA] {
                #expect(
                    try await app.call(.get, "/api/v1/space/\(library.id)/\(a)/size?access_token=\(token)").status
                        == 200)
                let reply = try await app.call(.get, "/api/v1/space/\(library.id)/\(b)/extension?access_token=\(token)")
                #expect(reply.status == 403)
                #expect(reply.code == "AccessTokenNotMatchSpace")
            }
            let unscoped = try await app.call(.get, "/api/v1/space/\(library.id)/\(a)/size?access_token=\(noScope)")
            #expect(unscoped.code == "AccessTokenNotMatchSpace")
            // Scope is checked before existence: an out-of-scope unknown space reveals nothing.
            let probe = try await app.call(.get, "/api/v1/space/\(library.id)/zz-unknown/size?access_token=\(onlyA)")
            #expect(probe.code == "AccessTokenNotMatchSpace")
            let malformed = try await app.call(
                .get, "/api/v1/space/\(library.id)/%FF%FE/size?access_token=\(library.admin)")
            #expect(malformed.status == 400 || malformed.status == 404)

            let other = try await app.multiTenantLibrary()
            let crossLibrary = try await app.call(
                .get, "/api/v1/space/\(other.id)/\(a)/size?access_token=\(library.admin)")
            #expect(crossLibrary.code == "InvalidAccessToken")
        }
    }

    @Test func p2EndpointsAnswer501FunctionNotEnabledAfterAuthentication() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let space = try await app.createSpace(library.id, token: library.admin)
            for (method, path) in [
                (HTTPRequest.Method.post, "/api/v1/space/\(library.id)/\(space)/traffic-limit"),
                (.get, "/api/v1/space/\(library.id)/\(space)/contents-view"),
            ] {
                let reply = try await app.call(method, path + "?access_token=\(library.admin)")
                #expect(reply.status == 501, "\(path)")
                #expect(reply.code == "FunctionNotEnabled", "\(path)")
                let anonymous = try await app.call(method, path)
                #expect(anonymous.code == "EmptyAccessToken", "\(path)")
            }
        }
    }
}
