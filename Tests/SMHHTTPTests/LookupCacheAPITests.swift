import Foundation
import Logging
import SMHCore
import SMHStoreSQL
import SMHTestSupport
import Testing

/// Libraries, tokens and spaces are cached for the access check (issue 12): every change made through this server
/// must be seen by its very next request, and a change made by another instance within a second.
@Suite struct LookupCacheAPITests {
    @Test func revokedTokensStopAtOnce() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary()
            let root = "/api/v1/directory/\(library.id)/-"
            let token = try await app.token(library, "grant=admin")
            #expect(try await app.call(.get, "\(root)?access_token=\(token)").status == 200)
            #expect(try await app.call(.delete, "/api/v1/token/\(library.id)/\(token)").status == 204)
            let reply = try await app.call(.get, "\(root)?access_token=\(token)")
            #expect(reply.status == 403)
            #expect(reply.code == "InvalidAccessToken")

            // Revoking by user (spec 10 §2.8) likewise.
            let userToken = try await app.token(library, "grant=admin&user_id=alice")
            #expect(try await app.call(.get, "\(root)?access_token=\(userToken)").status == 200)
            let revoked = try await app.call(
                .delete, "/api/v1/token/\(library.id)?library_secret=\(library.secret)&user_id=alice")
            #expect(revoked.status == 204)
            #expect(try await app.call(.get, "\(root)?access_token=\(userToken)").code == "InvalidAccessToken")
        }
    }

    @Test func secretRotationSettingsAndDeletionApplyToTheNextRequest() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary()
            let root = "/api/v1/directory/\(library.id)/-"
            #expect(try await app.call(.get, "\(root)?library_secret=\(library.secret)").status == 200)
            #expect(try await app.call(.post, "/admin/v1/libraries/\(library.id)/secret").status == 200)
            let old = try await app.call(.get, "\(root)?library_secret=\(library.secret)")
            #expect(old.code == "WrongLibraryIdOrSecret")

            // A setting read by the access path (search on or off) changes with the next request.
            let rotated = try await app.call(.post, "/admin/v1/libraries/\(library.id)/secret")
                .decoded(LibrarySecretAnswer.self)
            let token = try await app.token((library.id, rotated.librarySecret), "grant=admin")
            let search = "/api/v1/search/\(library.id)/-/space-contents?access_token=\(token)"
            #expect(try await app.call(.post, search, body: #"{"keyword":"x"}"#).status == 200)
            let patched = try await app.call(
                .patch, "/admin/v1/libraries/\(library.id)", body: #"{"enableSearch":false}"#)
            #expect(patched.status == 200)
            #expect(try await app.call(.post, search, body: #"{"keyword":"x"}"#).code == "SearchNotEnabled")

            #expect(try await app.call(.delete, "/admin/v1/libraries/\(library.id)?force=1").status == 204)
            let gone = try await app.call(.get, "\(root)?access_token=\(token)")
            #expect(gone.status == 404)
            #expect(gone.code == "LibraryNotFound")
        }
    }

    @Test func deletedSpacesAreGoneAtOnce() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let space = try await app.createSpace(library.id, token: library.admin)
            let root = "/api/v1/directory/\(library.id)/\(space)?access_token=\(library.admin)"
            #expect(try await app.call(.get, root).status == 200)
            #expect(
                try await app.call(.delete, "/api/v1/space/\(library.id)/\(space)?access_token=\(library.admin)")
                    .status == 204)
            #expect(try await app.call(.get, root).code == "SpaceNotFound")
        }
    }

    /// Another instance on the same database: its revocation reaches this one within the cache's lifetime (1 s).
    @Test func anotherInstancesRevocationIsSeenWithinASecond() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary()
            let token = try await app.token(library, "grant=admin")
            let root = "/api/v1/directory/\(library.id)/-?access_token=\(token)"
            #expect(try await app.call(.get, root).status == 200)
            let other = SQLStore(backend: app.store.backend, logger: Logger(label: "other-instance"))
            #expect(try await other.deleteToken(hash: SecretHash.hash(token), library: LibraryID(library.id)))
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await app.call(.get, root).code == "InvalidAccessToken")
        }
    }
}
