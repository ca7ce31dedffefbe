import Foundation
import HTTPTypes
import Hummingbird
import SMHTestSupport
import Testing

/// Spec 10 §1.5.3: a public-read library or space opens its content reads to callers without a token, and nothing
/// else.
@Suite struct PublicReadTests {
    @Test func singleTenantPublicLibrary() async throws {
        try await UploadFixture.with(#"{"name":"open","isPublicRead":true}"#) { f in
            _ = try await f.upload("readme.txt", Array("hi".utf8))
            let base = "/api/v1/directory/\(f.library.id)/-"
            let listing = try await f.app.call(.get, base)
            #expect(listing.status == 200)
            #expect(try listing.decoded(ListingAnswer.self).fileCount == 1)
            #expect(try await f.app.call(.get, "\(base)/readme.txt?info").status == 200)
            #expect(try await f.app.call(.head, base).status == 200)
            let redirect = try await f.app.call(.get, "/api/v1/file/\(f.library.id)/-/readme.txt")
            #expect(redirect.status == 302)
            let location = (redirect.header("Location") ?? "").replacingOccurrences(
                of: "http://files.test:8080", with: "")
            #expect(String(buffer: try await f.app.client.execute(uri: location, method: .get).body) == "hi")

            // Writes and space management still need credentials; a bad token is still refused.
            for (method, uri) in [
                (HTTPRequest.Method.put, "\(base)/new"), (.delete, "/api/v1/file/\(f.library.id)/-/readme.txt"),
                (.put, "/api/v1/file/\(f.library.id)/-/up.txt"), (.get, "/api/v1/space/\(f.library.id)/-/size"),
                (.get, "/api/v1/space/\(f.library.id)/-/extension"),
            ] {
                let reply = try await f.app.call(method, uri)
                #expect(reply.status == 400, "\(method) \(uri)")
                #expect(reply.code == "EmptyAccessToken", "\(method) \(uri)")
            }
            #expect(try await f.app.call(.get, "\(base)?access_token=acctkbogus").code == "InvalidAccessToken")
        }
    }

    @Test func onlyPublicSpacesOfAMultiTenantLibrary() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let open = try await app.createSpace(library.id, token: library.admin, body: #"{"isPublicRead":true}"#)
            let closed = try await app.createSpace(library.id, token: library.admin)
            #expect(try await app.call(.get, "/api/v1/directory/\(library.id)/\(open)").status == 200)
            let refused = try await app.call(.get, "/api/v1/directory/\(library.id)/\(closed)")
            #expect(refused.code == "EmptyAccessToken")
            let unknown = try await app.call(.get, "/api/v1/directory/\(library.id)/nosuchspace")
            #expect(unknown.code == "EmptyAccessToken", "an anonymous caller learns nothing about other spaces")
            #expect(try await app.call(.get, "/api/v1/space/\(library.id)/list").code == "EmptyAccessToken")
            #expect(try await app.call(.get, "/api/v1/space/\(library.id)/count").code == "EmptyAccessToken")
        }
    }
}
