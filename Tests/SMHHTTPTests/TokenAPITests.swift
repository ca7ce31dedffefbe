import Foundation
import SMHCore
import SMHTestSupport
import SQLKit
import Testing

/// Spec 10 §2: issue, renew, delete, and how every endpoint treats a token.
@Suite struct TokenAPITests {
    @Test func issueByGetAndPostWithPeriodRules() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary()
            let base = "/api/v1/token?library_id=\(library.id)&library_secret=\(library.secret)"
            let issued = try await app.call(.get, base + "&grant=upload_file,create_directory&period=7200")
            #expect(issued.status == 200)
            #expect(try issued.decoded(TokenAnswer.self).expiresIn == 7200)
            let token = try issued.decoded(TokenAnswer.self).accessToken
            #expect(token.hasPrefix("acctk") && token.count == 48)
            #expect(token.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) })

            let posted = try await app.call(.post, base, body: #"{"shareDirectoryIdList":[1]}"#)
            #expect(posted.status == 200)
            #expect(try posted.decoded(TokenAnswer.self).expiresIn == 86400)
            #expect(try posted.decoded(TokenAnswer.self).accessToken != token, "every call issues a new token")

            for (period, expected) in [
                ("abc", 86400), ("-5", 86400), ("0", 86400), ("10", 300), ("1.5", 86400),
                ("315360001", 315_360_000), ("99999999999999999999999", 315_360_000),
            ] {
                let reply = try await app.call(.get, base + "&period=\(period)")
                #expect(try reply.decoded(TokenAnswer.self).expiresIn == expected, "period=\(period)")
            }
            // Stored hashed: the token string is nowhere in the database.
            let stored = try await app.store.token(hash: SecretHash.hash(token))
            #expect(stored?.grants == [.uploadFile, .createDirectory])
            #expect(try await app.store.token(hash: token) == nil)
        }
    }

    @Test func issueRefusals() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary()
            let cases: [(String, Int, String)] = [
                ("", 400, "EmptyLibraryIdOrSecret"),
                ("library_secret=\(library.secret)", 400, "EmptyLibraryId"),
                ("library_id=\(library.id)", 400, "EmptyLibrarySecret"),
                ("library_id=\(library.id)&library_secret=", 400, "EmptyLibrarySecret"),
                ("library_id=\(library.id)&library_secret=wrong", 404, "WrongLibraryIdOrSecret"),
                ("library_id=smhunknown0000000&library_secret=\(library.secret)", 404, "WrongLibraryIdOrSecret"),
                (
                    "library_id=\(library.id)&library_secret=\(library.secret)&user_id=\(String(repeating: "u", count: 257))",
                    400, "UserIdLengthExceed"
                ),
                (
                    "library_id=\(library.id)&library_secret=\(library.secret)&client_id=\(String(repeating: "c", count: 257))",
                    400, "ClientIdLengthExceed"
                ),
            ]
            for (query, status, code) in cases {
                let reply = try await app.call(.get, "/api/v1/token?\(query)")
                #expect(reply.status == status, "\(query)")
                #expect(reply.code == code, "\(query)")
            }
        }
    }

    @Test func renewKeepsTheTokenAndItsPeriod() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary()
            let token = try await app.token(library, "period=3600")
            try await app.execute("UPDATE tokens SET expires_at = \(Int64(Date().timeIntervalSince1970 * 1000) + 5000)")
            let renewed = try await app.call(.post, "/api/v1/token/\(library.id)/\(token)")
            #expect(renewed.status == 200)
            #expect(try renewed.decoded(TokenAnswer.self).accessToken == token)
            #expect(try renewed.decoded(TokenAnswer.self).expiresIn == 3600)
            let stored = try #require(try await app.store.token(hash: SecretHash.hash(token)))
            let remaining = stored.expiresAt.milliseconds - Int64(Date().timeIntervalSince1970 * 1000)
            #expect(remaining > 3_500_000 && remaining <= 3_600_000)

            let unknown = try await app.call(.post, "/api/v1/token/\(library.id)/acctknotatoken")
            #expect(unknown.status == 403)
            #expect(unknown.code == "InvalidAccessToken")
            let noLibrary = try await app.call(.post, "/api/v1/token/smhnolibrary00000/\(token)")
            #expect(noLibrary.status == 404)
            #expect(noLibrary.code == "LibraryNotFound")
            let other = try await app.createLibrary(#"{"name":"other"}"#)
            let crossed = try await app.call(.post, "/api/v1/token/\(other.id)/\(token)")
            #expect(crossed.code == "InvalidAccessToken")
        }
    }

    @Test func deletedExpiredForeignMalformedAndMissingTokensAreRefused() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary()
            let other = try await app.createLibrary(#"{"name":"other"}"#)
            let foreign = try await app.token(other)
            let expired = try await app.token(library)
            try await app.execute(
                "UPDATE tokens SET expires_at = 1 WHERE token_hash = '\(SecretHash.hash(expired))'")
            let deleted = try await app.token(library)
            #expect(try await app.call(.delete, "/api/v1/token/\(library.id)/\(deleted)").status == 204)
            #expect(try await app.call(.delete, "/api/v1/token/\(library.id)/\(deleted)").status == 204, "idempotent")

            let sizeURL = "/api/v1/space/\(library.id)/-/size"
            for token in [foreign, expired, deleted, "acctk", String(repeating: "x", count: 10_240), "%00%FF", "a+b c"]
            {
                let reply = try await app.call(.get, sizeURL + "?access_token=\(token)")
                #expect(reply.status == 403, "token \(token.prefix(20))")
                #expect(reply.code == "InvalidAccessToken")
            }
            let missing = try await app.call(.get, sizeURL)
            #expect(missing.status == 400)
            #expect(missing.code == "EmptyAccessToken")
            let empty = try await app.call(.get, sizeURL + "?access_token=")
            #expect(empty.code == "EmptyAccessToken")
            let noLibrary = try await app.call(.get, "/api/v1/space/smhnope0000000000/-/size?access_token=\(foreign)")
            #expect(noLibrary.status == 404)
            #expect(noLibrary.code == "LibraryNotFound")
        }
    }

    @Test func successfulCallsSlideTheExpiryAndFailedOnesDoNot() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary()
            let token = try await app.token(library, "period=7200")
            let hash = SecretHash.hash(token)
            let soon = Int64(Date().timeIntervalSince1970 * 1000) + 600_000
            try await app.execute("UPDATE tokens SET expires_at = \(soon)")
            // A failing call (unknown space) leaves the expiry alone.
            #expect(
                try await app.call(.get, "/api/v1/space/\(library.id)/other/size?access_token=\(token)").status == 404)
            #expect(try await app.store.token(hash: hash)?.expiresAt.milliseconds == soon)
            #expect(try await app.call(.get, "/api/v1/space/\(library.id)/-/size?access_token=\(token)").status == 200)
            let slid = try #require(try await app.store.token(hash: hash)).expiresAt.milliseconds
            #expect(slid > soon + 6_000_000)
        }
    }

    @Test func librarySecretWorksAsAnAdminCredential() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary(#"{"name":"t","multiSpace":true}"#)
            let created = try await app.call(.post, "/api/v1/space/\(library.id)?library_secret=\(library.secret)")
            #expect(created.status == 201)
            let wrong = try await app.call(.post, "/api/v1/space/\(library.id)?library_secret=nope")
            #expect(wrong.status == 404)
            #expect(wrong.code == "WrongLibraryIdOrSecret")
        }
    }

    @Test func deleteTheTokensOfUsers() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary()
            let aPhone = try await app.token(library, "user_id=a&client_id=phone")
            let aWeb = try await app.token(library, "user_id=a&client_id=web")
            let b = try await app.token(library, "user_id=b")
            let anonymous = try await app.token(library)
            let base = "/api/v1/token/\(library.id)?library_secret=\(library.secret)"

            #expect(try await app.call(.delete, base + "&user_id=a&client_id=phone").status == 204)
            func valid(_ token: String) async throws -> Bool {
                try await app.call(.get, "/api/v1/space/\(library.id)/-/size?access_token=\(token)").status == 200
            }
            #expect(try await !valid(aPhone))
            #expect(try await valid(aWeb))
            #expect(try await app.call(.delete, base + "&user_id=a,b").status == 204)
            #expect(try await !valid(aWeb))
            #expect(try await !valid(b))
            #expect(try await valid(anonymous), "tokens without a user are never deleted this way")
            #expect(try await app.call(.delete, base + "&user_id=nobody").status == 204)

            let noSecret = try await app.call(.delete, "/api/v1/token/\(library.id)?user_id=a")
            #expect(noSecret.status == 400)
            #expect(noSecret.code == "EmptyLibrarySecret")
            let wrongSecret = try await app.call(.delete, "/api/v1/token/\(library.id)?library_secret=x&user_id=a")
            #expect(wrongSecret.code == "WrongLibraryIdOrSecret")
            let noUser = try await app.call(.delete, base)
            #expect(noUser.status == 400)
            #expect(noUser.code == "ParamInvalid")
            let tooMany = try await app.call(
                .delete, base + "&user_id=" + (1...11).map(String.init).joined(separator: ","))
            #expect(tooMany.code == "ParamInvalid")
        }
    }

    @Test func userIdOverrideOnlyForAdminTokensWithoutAUser() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let lib = (library.id, library.secret)
            let carol = try await app.token(lib, "grant=create_space&user_id=carol")
            let mallory = try await app.createSpace(library.id, token: carol, query: "&user_id=mallory")
            let ownedByAdmin = try await app.createSpace(library.id, token: library.admin, query: "&user_id=dave")
            let adminOfErin = try await app.token(lib, "grant=admin&user_id=erin")
            let ownedByErin = try await app.createSpace(library.id, token: adminOfErin, query: "&user_id=frank")
            let list = try await app.call(.get, "/api/v1/space/\(library.id)/list?access_token=\(library.admin)")
            let owners = Dictionary(
                uniqueKeysWithValues: try list.decoded(SpaceListAnswer.self).list.map { ($0.spaceId, $0.userId) })
            #expect(owners[mallory] == "carol", "a non-admin token's user_id query is ignored")
            #expect(owners[ownedByAdmin] == "dave", "an admin token without a user acts as user_id")
            #expect(owners[ownedByErin] == "erin", "an admin token with a user keeps it")
        }
    }

    @Test func unknownGrantsGiveAReadOnlyToken() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let space = try await app.createSpace(library.id, token: library.admin)
            let token = try await app.token((library.id, library.secret), "grant=bogus,ADMIN&space_id=\(space)")
            #expect(
                try await app.call(.get, "/api/v1/space/\(library.id)/\(space)/size?access_token=\(token)").status
                    == 200)
            let create = try await app.call(.post, "/api/v1/space/\(library.id)?access_token=\(token)")
            #expect(create.status == 403)
            #expect(create.code == "NoPermission")
        }
    }

    @Test func hugeTokenStringsInThePathAreRefusedCleanly() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary()
            let huge = String(repeating: "a", count: 10_240)
            let renew = try await app.call(.post, "/api/v1/token/\(library.id)/\(huge)")
            #expect(renew.status == 403)
            #expect(renew.code == "InvalidAccessToken")
            #expect(try await app.call(.delete, "/api/v1/token/\(library.id)/\(huge)").status == 204)
        }
    }

    @Test func logsNeverShowTokensOrSecrets() {
        let target = "/api/v1/token/smhlib/acctkabcdef?access_token=acctkxyz&library_secret=s3"
        let logged = LogRedaction.redact(target: target)
        #expect(!logged.contains("acctkabcdef") && !logged.contains("acctkxyz") && !logged.contains("s3"))
    }
}
