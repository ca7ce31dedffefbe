import Foundation
import SMHCore
import SMHStoreSQL
import SMHTestSupport
import Testing

@Suite struct AdminAPITests {
    @Test func createShowListUpdateDelete() async throws {
        try await TestApp.with { app in
            let created = try await app.call(
                .post, "/admin/v1/libraries",
                body: #"{"name":"family","libraryType":"media","enableFileHistory":true,"fileHistoryCount":5}"#)
            #expect(created.status == 201)
            let library = try created.decoded(LibraryAnswer.self)
            let id = library.libraryId
            let secret = try #require(library.librarySecret)
            #expect(id.hasPrefix("smh") && id.count == 16)
            #expect(secret.count >= 32)
            #expect(library.libraryType == "media")
            #expect(library.isMultiAlbum == true)
            #expect(library.fileHistoryCount == 5)
            #expect(library.useRecycleBin == true)
            #expect(library.libraryQuota == nil && created.text.contains(#""libraryQuota":null"#))
            #expect(library.allowFileExtName == nil, "file-library field left out of a media library")

            let shown = try await app.call(.get, "/admin/v1/libraries/\(id)")
            #expect(shown.status == 200)
            #expect(try shown.decoded(LibraryAnswer.self).name == "family")
            #expect(try shown.decoded(LibraryAnswer.self).librarySecret == nil, "the secret is shown only once")
            #expect(!shown.text.contains(secret))

            // Stored hashed: the secret never appears in the database.
            let stored = try await app.store.library(LibraryID(id))
            #expect(stored?.secretHash == SecretHash.hash(secret))

            let listed = try await app.call(.get, "/admin/v1/libraries")
            #expect(listed.status == 200)
            #expect(try listed.decoded(LibraryListAnswer.self).libraries.map(\.libraryId) == [id])

            let updated = try await app.call(
                .patch, "/admin/v1/libraries/\(id)", body: #"{"remark":"hello","useRecycleBin":false}"#)
            #expect(updated.status == 200)
            let changed = try updated.decoded(LibraryAnswer.self)
            #expect(changed.remark == "hello")
            #expect(changed.useRecycleBin == false)
            #expect(changed.fileHistoryCount == 5, "untouched settings keep their value")
            #expect(try await app.call(.get, "/admin/v1/libraries/\(id)").decoded(LibraryAnswer.self).remark == "hello")

            let deleted = try await app.call(.delete, "/admin/v1/libraries/\(id)")
            #expect(deleted.status == 204)
            #expect(deleted.text.isEmpty)
            let gone = try await app.call(.get, "/admin/v1/libraries/\(id)")
            #expect(gone.status == 404)
            #expect(gone.code == "LibraryNotFound")
        }
    }

    @Test func rotateSecretReplacesTheOldOne() async throws {
        try await TestApp.with { app in
            let (id, oldSecret) = try await app.createLibrary()
            let rotated = try await app.call(.post, "/admin/v1/libraries/\(id)/secret")
            #expect(rotated.status == 200)
            let rotation = try rotated.decoded(LibrarySecretAnswer.self)
            #expect(rotation.libraryId == id)
            let newSecret = rotation.librarySecret
            #expect(newSecret != oldSecret)
            let stored = try #require(try await app.store.library(LibraryID(id)))
            #expect(SecretHash.matches(newSecret, hash: stored.secretHash))
            #expect(!SecretHash.matches(oldSecret, hash: stored.secretHash))

            let missing = try await app.call(.post, "/admin/v1/libraries/smhdoesnotexist/secret")
            #expect(missing.status == 404)
            #expect(missing.code == "LibraryNotFound")
        }
    }

    @Test func deleteRefusesANonEmptyLibraryUnlessForced() async throws {
        try await TestApp.with { app in
            let (id, _) = try await app.createLibrary(#"{"name":"full"}"#)
            try await app.store.transaction { db in
                try await db.raw(
                    """
                    INSERT INTO nodes (library_id, space_id, parent_id, name, kind, created_at, updated_at)
                    SELECT library_id, id, root_inode, 'photos', 'dir', 1, 1 FROM spaces WHERE library_id = \(bind: id)
                    """
                ).run()
            }
            let refused = try await app.call(.delete, "/admin/v1/libraries/\(id)")
            #expect(refused.status == 409)
            #expect(refused.code == "LibraryNotEmpty")
            #expect(try await app.call(.get, "/admin/v1/libraries/\(id)").status == 200)
            #expect(try await app.call(.delete, "/admin/v1/libraries/\(id)?force=1").status == 204)
            #expect(try await app.call(.get, "/admin/v1/libraries/\(id)").status == 404)
            let again = try await app.call(.delete, "/admin/v1/libraries/\(id)?force=1")
            #expect(again.code == "LibraryNotFound")
            let badFlag = try await app.call(.delete, "/admin/v1/libraries/\(id)?force=maybe")
            #expect(badFlag.status == 400)
            #expect(badFlag.code == "ParamInvalid")
        }
    }

    @Test func missingOrWrongAdminKey() async throws {
        try await TestApp.with { app in
            let missing = try await app.call(.get, "/admin/v1/libraries", adminKey: nil)
            #expect(missing.status == 401)
            #expect(missing.code == "AdminKeyRequired")
            #expect(try missing.decoded(ErrorAnswer.self).requestId == missing.header("X-Request-Id"))

            for wrong in ["nope", "", "test-admin-key-012345678"] {
                let reply = try await app.call(.post, "/admin/v1/libraries", body: #"{"name":"x"}"#, adminKey: wrong)
                #expect(reply.status == (wrong.isEmpty ? 401 : 403))
                #expect(reply.code == (wrong.isEmpty ? "AdminKeyRequired" : "InvalidAdminKey"))
            }
            let basic = try await app.call(
                .get, "/admin/v1/libraries", adminKey: nil, headers: [.authorization: "Basic \(TestApp.adminKey)"])
            #expect(basic.status == 403)
            #expect(try await app.store.libraries().isEmpty, "nothing was created by refused calls")
        }
    }

    @Test(arguments: [
        (#"{"name":"x""#, "BadRequest"),
        ("not json", "BadRequest"),
        ("[1]", "BadRequest"),
        ("", "ParamInvalid"),
        (#"{"remark":"no name"}"#, "ParamInvalid"),
        (#"{"name":"x","unknownField":1}"#, "ParamInvalid"),
        (#"{"name":"x","multiSpace":"yes"}"#, "ParamInvalid"),
        (#"{"name":"x","fileHistoryCount":1000}"#, "InvalidFileHistoryCount"),
        (#"{"name":"x","fileHistoryExpireDay":1000}"#, "InvalidFileHistoryExpireDay"),
        (#"{"name":"x","fileHistoryMergeInterval":601}"#, "InvalidFileHistoryMergeInterval"),
        (#"{"name":"x","autoRemoveRecycledDays":-1}"#, "ParamInvalid"),
        (#"{"name":"x","maxDirFileNameLength":300}"#, "ParamInvalid"),
        (#"{"name":"x","enableQuota":true}"#, "ParamInvalid"),
        (#"{"name":"x","fileHistoryCount":99999999999999999999999}"#, "ParamInvalid"),
    ])
    func malformedAndOutOfRangeBodies(body: String, code: String) async throws {
        try await TestApp.with { app in
            let reply = try await app.call(.post, "/admin/v1/libraries", body: body)
            #expect(reply.status == 400, "\(body) → \(reply.text)")
            #expect(reply.code == code)
            #expect(try reply.decoded(ErrorAnswer.self).message.isEmpty == false)
            #expect(try await app.store.libraries().isEmpty)
        }
    }

    @Test func updateValidatesToo() async throws {
        try await TestApp.with { app in
            let (id, _) = try await app.createLibrary()
            let immutable = try await app.call(.patch, "/admin/v1/libraries/\(id)", body: #"{"multiSpace":true}"#)
            #expect(immutable.status == 400)
            #expect(immutable.code == "ParamInvalid")
            let range = try await app.call(.patch, "/admin/v1/libraries/\(id)", body: #"{"fileHistoryCount":0}"#)
            #expect(range.code == "InvalidFileHistoryCount")
            let missing = try await app.call(.patch, "/admin/v1/libraries/smhnothere", body: #"{"remark":"x"}"#)
            #expect(missing.status == 404)
            #expect(missing.code == "LibraryNotFound")
            #expect(
                try await app.call(.get, "/admin/v1/libraries/\(id)").decoded(LibraryAnswer.self).fileHistoryCount == 20
            )
        }
    }

    @Test func oversizedBodyIsRefusedWith413() async throws {
        try await TestApp.with { app in
            let huge = #"{"name":"x","remark":""# + String(repeating: "a", count: 2 << 20) + #""}"#
            let reply = try await app.call(.post, "/admin/v1/libraries", body: huge)
            #expect(reply.status == 413)
            #expect(reply.code == "RequestEntityTooLarge")
        }
    }
}
