import Foundation
import SMHTestSupport
import Testing

/// Spec 10 §4: quotas, and their enforcement by upload, copy and restore.
@Suite struct QuotaAPITests {
    @Test func singleTenantQuotaLifecycle() async throws {
        try await UploadFixture.with { f in
            let base = "/api/v1/quota/\(f.library.id)"
            let created = try await f.app.call(
                .post, "\(base)?access_token=\(f.token)",
                body: #"{"capacity":"100","removeWhenExceed":false,"removeAfterDays":0}"#)
            #expect(created.status == 201)
            let id = try created.decoded(QuotaCreatedAnswer.self).quotaId
            let bySpace = try await f.app.call(.get, "\(base)/-?access_token=\(f.token)")
            #expect(try bySpace.decoded(QuotaAnswer.self).id == id)
            #expect(try bySpace.decoded(QuotaAnswer.self).capacity == "100")
            let alias = try await f.app.call(.get, "/api/v1/space-quota/\(f.library.id)/-?access_token=\(f.token)")
            #expect(try alias.decoded(QuotaAnswer.self).capacity == "100")
            let byId = try await f.app.call(.get, "\(base)/\(id)?access_token=\(f.token)")
            #expect(try byId.decoded(QuotaAnswer.self).spaces == ["-"])
            let again = try await f.app.call(.post, "\(base)?access_token=\(f.token)", body: #"{"capacity":5}"#)
            #expect(again.status == 409)
            #expect(again.code == "DuplicateQuota")
            let withSpaces = try await f.app.call(
                .post, "\(base)?access_token=\(f.token)", body: #"{"capacity":5,"spaces":["-"]}"#)
            #expect(withSpaces.code == "QuotaSpacesInvalid")
            for (body, code) in [
                (#"{}"#, "QuotaCapacityRequired"), (#"{"capacity":"-1"}"#, "QuotaCapacityInvalid"),
                (#"{"capacity":"lots"}"#, "QuotaCapacityInvalid"),
                (#"{"capacity":1,"removeAfterDays":"x"}"#, "ParamInvalid"),
            ] {
                let refused = try await f.app.call(.post, "\(base)?access_token=\(f.token)", body: body)
                #expect(refused.status == 400, "\(body)")
                #expect(refused.code == code, "\(body)")
            }
            let updated = try await f.app.call(.put, "\(base)/-?access_token=\(f.token)", body: #"{"capacity":200}"#)
            #expect(updated.status == 204)
            #expect(
                try await f.app.call(.get, "\(base)/\(id)?access_token=\(f.token)").decoded(QuotaAnswer.self).capacity
                    == "200"
            )
            #expect(
                try await f.app.call(.put, "\(base)/-?access_token=\(f.token)", body: "{}").code
                    == "QuotaCapacityRequired")
            #expect(try await f.app.call(.get, "\(base)/987654?access_token=\(f.token)").code == "QuotaNotFound")
            let reader = try await f.app.token(f.library, "grant=upload_file")
            #expect(try await f.app.call(.get, "\(base)/-?access_token=\(reader)").code == "NoPermission")
            let usage = try await f.app.call(.get, "/api/v1/usage/\(f.library.id)?access_token=\(f.token)")
            #expect(try usage.decoded(LibraryUsageAnswer.self).totalAllocatedSpaceQuota == "200")
        }
    }

    @Test func uploadsCopiesAndRestoresStayWithinTheQuota() async throws {
        try await UploadFixture.with { f in
            _ = try await f.app.call(
                .post, "/api/v1/quota/\(f.library.id)?access_token=\(f.token)", body: #"{"capacity":10}"#)
            #expect(try await f.upload("six.txt", Array("123456".utf8)).status == 200)
            let announced = try await f.begin("more.txt", "&filesize=5")
            #expect(announced.status == 400)
            #expect(announced.code == "QuotaLimitReached")
            let unannounced = try await f.begin("more.txt")
            _ = try await f.send(unannounced, Array("12345".utf8))
            #expect(try await f.confirm(unannounced).code == "QuotaLimitReached", "confirm checks the real size")
            #expect(try await f.upload("four.txt", Array("1234".utf8)).status == 200, "exactly full is allowed")

            let copy = try await f.app.call(
                .put, "/api/v1/file/\(f.library.id)/-/copy.txt?access_token=\(f.token)",
                body: #"{"copyFrom":"six.txt"}"#)
            #expect(copy.code == "QuotaLimitReached")
            _ = try await f.app.call(.put, "/api/v1/directory/\(f.library.id)/-/dir?access_token=\(f.token)")
            _ = try await f.app.call(
                .put, "/api/v1/file/\(f.library.id)/-/dir/moved.txt?access_token=\(f.token)",
                body: #"{"from":"four.txt"}"#)
            let dirCopy = try await f.app.call(
                .put, "/api/v1/directory/\(f.library.id)/-/dir2?access_token=\(f.token)", body: #"{"copyFrom":"dir"}"#)
            #expect(dirCopy.code == "QuotaLimitReached")

            // The recycle bin still counts; a restore is refused while the space is over its quota.
            let recycled = try await f.app.call(
                .delete, "/api/v1/file/\(f.library.id)/-/six.txt?access_token=\(f.token)")
            let item = try recycled.decoded(RecycledAnswer.self).recycledItemId
            #expect(try await f.upload("x.txt", [1]).code == "QuotaLimitReached")
            _ = try await f.app.call(
                .put, "/api/v1/quota/\(f.library.id)/-?access_token=\(f.token)", body: #"{"capacity":8}"#)
            let restore = try await f.app.call(
                .post, "/api/v1/recycled/\(f.library.id)/-/\(item)?restore&access_token=\(f.token)")
            #expect(restore.status == 400)
            #expect(restore.code == "QuotaLimitReached")
            _ = try await f.app.call(
                .put, "/api/v1/quota/\(f.library.id)/-?access_token=\(f.token)", body: #"{"capacity":10}"#)
            #expect(
                try await f.app.call(
                    .post, "/api/v1/recycled/\(f.library.id)/-/\(item)?restore&access_token=\(f.token)"
                )
                .status == 200)
            let usage = try await f.app.call(.get, "/api/v1/usage/\(f.library.id)/-?access_token=\(f.token)")
            #expect(usage.text.contains("\"capacity\":\"10\""))
            #expect(usage.text.contains("\"availableSpace\":\"0\""))
            _ = try await f.app.call(
                .delete, "/api/v1/file/\(f.library.id)/-/six.txt?permanent=1&access_token=\(f.token)")
            #expect(try await f.upload("y.txt", [1, 2, 3]).status == 200, "a permanent delete makes room")
        }
    }

    @Test func sharedQuotasInMultiTenantLibraries() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let a = try await app.createSpace(library.id, token: library.admin)
            let b = try await app.createSpace(library.id, token: library.admin)
            let c = try await app.createSpace(library.id, token: library.admin)
            let base = "/api/v1/quota/\(library.id)"
            #expect(
                try await app.call(.post, "\(base)?access_token=\(library.admin)", body: #"{"capacity":9}"#).code
                    == "QuotaSpacesRequired")
            #expect(
                try await app.call(.post, "\(base)?access_token=\(library.admin)", body: #"{"capacity":9,"spaces":[]}"#)
                    .code == "QuotaSpacesInvalid")
            #expect(
                try await app.call(
                    .post, "\(base)?access_token=\(library.admin)", body: #"{"capacity":9,"spaces":["nope"]}"#
                )
                .code == "SpaceNotFound")
            let created = try await app.call(
                .post, "\(base)?access_token=\(library.admin)", body: #"{"capacity":9,"spaces":["\#(a)","\#(b)"]}"#)
            let id = try created.decoded(QuotaCreatedAnswer.self).quotaId
            #expect(
                try await app.call(.get, "\(base)/\(a)?access_token=\(library.admin)").decoded(QuotaAnswer.self).id
                    == id)
            #expect(try await app.call(.get, "\(base)/\(c)?access_token=\(library.admin)").code == "NoQuota")
            let moved = try await app.call(
                .put, "\(base)/\(id)?access_token=\(library.admin)", body: #"{"spaces":["\#(b)","\#(c)"]}"#)
            #expect(moved.status == 204)
            #expect(try await app.call(.get, "\(base)/\(a)?access_token=\(library.admin)").code == "NoQuota")
            #expect(
                try await app.call(.get, "\(base)/\(id)?access_token=\(library.admin)").decoded(QuotaAnswer.self).spaces
                    == [b, c].sorted())
            #expect(
                try await app.call(.put, "\(base)/\(id)?access_token=\(library.admin)", body: #"{"spaces":[]}"#).code
                    == "QuotaSpacesInvalid")
            let other = try await app.call(
                .post, "\(base)?access_token=\(library.admin)", body: #"{"capacity":1,"spaces":["\#(c)"]}"#)
            #expect(other.code == "DuplicateQuota")
            let usage = try await app.call(.get, "/api/v1/usage/\(library.id)/\(b),\(a)?access_token=\(library.admin)")
            #expect(usage.status == 200)
            #expect(usage.text.contains("\"capacity\":\"9\""))
        }
        try await TestApp.with { app in
            let library = try await app.createLibrary(#"{"name":"strict","denyOnQuotaLessThanUsage":true}"#)
            let token = try await app.token(library, "grant=admin")
            let f = UploadFixture(app: app, library: library, token: token)
            _ = try await f.upload("a.txt", Array("12345".utf8))
            let tooSmall = try await app.call(
                .post, "/api/v1/quota/\(library.id)?access_token=\(token)", body: #"{"capacity":4}"#)
            #expect(tooSmall.code == "QuotaCapacityLessThanSize")
            #expect(
                try await app.call(.post, "/api/v1/quota/\(library.id)?access_token=\(token)", body: #"{"capacity":5}"#)
                    .status == 201)
        }
    }
}
