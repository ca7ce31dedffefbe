import Foundation
import HTTPTypes
import SMHTestSupport
import Testing

/// The permission matrix through real requests, for the grants whose endpoints exist so far: each grant gets one
/// request it allows and one it refuses with the documented code.
@Suite struct PermissionMatrixHTTPTests {
    @Test func spaceGrantsOverHTTP() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let lib = (library.id, library.secret)
            let target = try await app.createSpace(library.id, token: library.admin)
            let base = "/api/v1/space/\(library.id)"

            // create_space: may create, may not delete.
            let creator = try await app.token(lib, "grant=create_space")
            let made = try await app.createSpace(library.id, token: creator)
            #expect(
                try await app.call(.delete, "\(base)/\(made)?access_token=\(creator)").code
                    == "AccessTokenNotMatchSpace")
            let creatorInScope = try await app.token(lib, "grant=create_space&space_id=\(made)")
            #expect(
                try await app.call(.delete, "\(base)/\(made)?access_token=\(creatorInScope)").code == "NoPermission")

            // delete_space: may delete, may not create.
            let deleter = try await app.token(lib, "grant=delete_space&space_id=\(made)")
            #expect(try await app.call(.delete, "\(base)/\(made)?access_token=\(deleter)").status == 204)
            #expect(try await app.call(.post, "\(base)?access_token=\(deleter)").code == "NoPermission")

            // space_admin: may update the extension, may not create spaces.
            let spaceAdmin = try await app.token(lib, "grant=space_admin&space_id=\(target)")
            #expect(
                try await app.call(.post, "\(base)/\(target)/extension?access_token=\(spaceAdmin)", body: "{}").status
                    == 204)
            #expect(try await app.call(.post, "\(base)?access_token=\(spaceAdmin)").code == "NoPermission")

            // no grant (read only): may read the size, may not update the extension.
            let reader = try await app.token(lib, "space_id=\(target)")
            #expect(try await app.call(.get, "\(base)/\(target)/size?access_token=\(reader)").status == 200)
            #expect(
                try await app.call(.post, "\(base)/\(target)/extension?access_token=\(reader)", body: "{}").code
                    == "NoPermission")

            // admin: may read library usage; an admin token restricted to one space may not reach another.
            let scopedAdmin = try await app.token(lib, "grant=admin&space_id=\(target)")
            #expect(try await app.call(.get, "/api/v1/usage/\(library.id)?access_token=\(scopedAdmin)").status == 200)
            let other = try await app.createSpace(library.id, token: library.admin)
            #expect(
                try await app.call(.get, "\(base)/\(other)/size?access_token=\(scopedAdmin)").code
                    == "AccessTokenNotMatchSpace")

            // The permission check comes before body validation (spec 10 §1.5.1): no grant + bad body → 403.
            #expect(
                try await app.call(.post, "\(base)/\(target)/extension?access_token=\(reader)", body: "{").code
                    == "NoPermission")
            #expect(try await app.call(.post, "\(base)?access_token=\(reader)", body: "{").code == "NoPermission")
        }
    }
}
