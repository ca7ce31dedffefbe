import Crypto
import Foundation
import HTTPTypes
import SMHCore
import SMHTestSupport
import Testing

@testable import SMHHTTP

/// SMH's service API (issue 18): API 3.0 calls signed with TC3-HMAC-SHA256, on the real router and store.
@Suite struct ServiceAPITests {
    static let credentials = ServiceAPICredentials(
        secretId: "AKIDservicetests", secretKey: "service-api-secret-key-0123456789")

    /// A client-side TC3 signer written from Tencent's documentation, independent of the server's code.
    struct Signer {
        var secretId = ServiceAPITests.credentials.secretId
        var secretKey = ServiceAPITests.credentials.secretKey
        var service = "smh"
        var host = "localhost"
        var contentType = "application/json"

        static func hex(_ bytes: some Sequence<UInt8>) -> String {
            bytes.map { String(format: "%02x", $0) }.joined()
        }

        static func utcDate(_ timestamp: Int) -> String {
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd"
            formatter.timeZone = TimeZone(identifier: "UTC")
            return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(timestamp)))
        }

        func signature(method: String, query: String, payload: String, timestamp: Int, date: String) -> String {
            let payloadHash = Self.hex(SHA256.hash(data: Data(payload.utf8)))
            let canonical =
                "\(method)\n/\n\(query)\ncontent-type:\(contentType)\nhost:\(host)\n\ncontent-type;host\n\(payloadHash)"
            let toSign =
                "TC3-HMAC-SHA256\n\(timestamp)\n\(date)/\(service)/tc3_request\n"
                + Self.hex(SHA256.hash(data: Data(canonical.utf8)))
            func hmac(_ key: Data, _ text: String) -> Data {
                Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: key)))
            }
            let key = hmac(hmac(hmac(Data("TC3\(secretKey)".utf8), date), service), "tc3_request")
            return Self.hex(hmac(key, toSign))
        }

        func headers(
            action: String, method: String = "POST", query: String = "", payload: String, timestamp: Int? = nil,
            date: String? = nil, version: String = "2021-07-12"
        ) -> HTTPFields {
            let timestamp = timestamp ?? Int(Date().timeIntervalSince1970)
            let date = date ?? Self.utcDate(timestamp)
            let signature = signature(
                method: method, query: query, payload: method == "GET" ? "" : payload, timestamp: timestamp, date: date)
            var fields = HTTPFields()
            fields[.contentType] = contentType
            fields[HTTPField.Name("X-TC-Action")!] = action
            fields[HTTPField.Name("X-TC-Version")!] = version
            fields[HTTPField.Name("X-TC-Timestamp")!] = String(timestamp)
            fields[.authorization] =
                "TC3-HMAC-SHA256 Credential=\(secretId)/\(date)/\(service)/tc3_request, SignedHeaders=content-type;host, Signature=\(signature)"
            return fields
        }
    }

    /// The envelope's `Response` object, after checking what every answer shares: 200, JSON, a request id.
    static func response(_ reply: Reply) throws -> ServiceAnswer {
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "application/json")
        let response = try reply.decoded(ServiceEnvelope.self).response
        #expect(!response.requestId.isEmpty)
        return response
    }

    static func errorCode(_ reply: Reply) throws -> String? {
        try response(reply).error?.code
    }

    static func call(
        _ app: TestApp, _ action: String, _ body: String, signer: Signer = Signer()
    ) async throws -> ServiceAnswer {
        let reply = try await app.call(
            .post, "/", body: body, headers: signer.headers(action: action, payload: body))
        let response = try Self.response(reply)
        #expect(response.error == nil, "\(action): \(reply.text)")
        return response
    }

    static func failure(
        _ app: TestApp, _ action: String, _ body: String, signer: Signer = Signer()
    ) async throws -> String? {
        try errorCode(
            try await app.call(.post, "/", body: body, headers: signer.headers(action: action, payload: body)))
    }

    /// CreateLibrary, then DescribeLibrarySecret: what a script does before it issues tokens.
    static func library(_ app: TestApp, _ body: String) async throws -> (id: String, secret: String) {
        let id = try #require(try await call(app, "CreateLibrary", body).libraryId)
        let secret = try #require(
            try await call(app, "DescribeLibrarySecret", #"{"LibraryId":"\#(id)"}"#).librarySecret)
        return (id, secret)
    }

    @Test func theSignatureMatchesAVectorComputedByTencentsOwnCode() {
        // Computed with `tencentcloud.common.sign.Sign.sign_tc3` of tencentcloud-sdk-python-common 3.1.195.
        let body = #"{"LibraryIds": ["smhvector0000001"]}"#
        let expected = "d0c7a10f5584081cea88588ae100f7f96d99229e288041c51d7389906502eb28"
        var signer = Signer()
        signer.host = "files.test:8080"
        #expect(
            signer.signature(method: "POST", query: "", payload: body, timestamp: 1_764_892_800, date: "2025-12-05")
                == expected)
        let payloadHash = SHA256.hash(data: Array(body.utf8)).hexString
        let canonical = TC3Signature.canonicalRequest(
            method: "POST", uri: "/", query: "",
            headers: [("content-type", "application/json"), ("host", "files.test:8080")], payloadHash: payloadHash)
        let toSign = TC3Signature.stringToSign(
            timestamp: 1_764_892_800, date: "2025-12-05", service: "smh", canonicalRequest: canonical)
        #expect(
            TC3Signature.sign(
                secretKey: Self.credentials.secretKey, date: "2025-12-05", service: "smh", stringToSign: toSign)
                == expected)
    }

    @Test func theAuthorizationHeaderIsParsedStrictly() throws {
        let good = try TC3Signature(
            authorization:
                "TC3-HMAC-SHA256 Credential=AKID/2025-12-05/smh/tc3_request, SignedHeaders=content-type;host, Signature="
                + String(repeating: "a", count: 64))
        #expect(good.secretId == "AKID" && good.date == "2025-12-05" && good.service == "smh")
        #expect(good.signedHeaders == ["content-type", "host"])
        for bad in [
            "Bearer x", "TC3-HMAC-SHA256 Credential=AKID/2025-12-05/smh/tc3_request",
            "TC3-HMAC-SHA256 Credential=AKID/2025-12-05/smh/other, SignedHeaders=content-type;host, Signature="
                + String(repeating: "a", count: 64),
            "TC3-HMAC-SHA256 Credential=AKID/2025-12-05/smh/tc3_request, SignedHeaders=host, Signature="
                + String(repeating: "a", count: 64),
            "TC3-HMAC-SHA256 Credential=AKID/2025-12-05/smh/tc3_request, SignedHeaders=content-type;host, Signature=XYZ",
        ] {
            #expect(throws: ServiceAPIError.self, "\(bad)") { try TC3Signature(authorization: bad) }
        }
    }

    @Test func createDescribeModifyAndDeleteOneLibraryModelWithTheAdminAPI() async throws {
        try await TestApp.with(serviceAPI: Self.credentials) { app in
            let created = try await Self.call(
                app, "CreateLibrary",
                #"""
                {"Name":"family","Remark":"r1","BucketName":"ignored-1250000000","BucketRegion":"ap-guangzhou",
                 "LibraryExtension":{"IsFileLibrary":false,"UseRecycleBin":true,"AutoRemoveRecycledDays":30,
                 "EnableFileHistory":true,"FileHistoryCount":9,"IsMultiAlbum":true,"AllowVideo":false,
                 "CosStorageClass":"STANDARD_IA"},
                 "Tags":[{"TagKey":"team","TagValue":"a"}]}
                """#)
            let id = try #require(created.libraryId)
            #expect(id.hasPrefix("smh") && id.count == 16)
            #expect(created.accessDomain == "http://files.test:8080")
            #expect(created.librarySecret == nil, "the secret is read with DescribeLibrarySecret")

            // The admin API sees the same library, settings included.
            let shown = try await app.call(.get, "/admin/v1/libraries/\(id)")
            #expect(shown.status == 200)
            let adminView = try shown.decoded(LibraryAnswer.self)
            #expect(adminView.name == "family" && adminView.remark == "r1")
            #expect(adminView.libraryType == "media" && adminView.isMultiAlbum == true)
            #expect(adminView.fileHistoryCount == 9 && adminView.allowVideo == false)
            #expect(adminView.enableSearch == false, "SMH's default, not the admin API's")

            let describedReply = try await app.call(
                .post, "/", body: #"{"LibraryIds":["\#(id)"]}"#,
                headers: Signer().headers(action: "DescribeLibraries", payload: #"{"LibraryIds":["\#(id)"]}"#))
            let describedText = describedReply.text
            let described = try Self.response(describedReply)
            #expect(described.totalCount == 1)
            let library = try #require(described.list?.first)
            #expect(library.libraryId == id && library.name == "family")
            #expect(library.size == "0" && library.dirNum == "0")
            #expect(library.fileNum == "0")
            #expect(library.bucketName == "" && library.accessDomain == "http://files.test:8080")
            #expect(library.creationTime.hasSuffix("Z"))
            #expect(library.tags.map(\.tagKey) == ["team"] && library.tags.map(\.tagValue) == ["a"])
            let ext = library.libraryExtension
            #expect(ext.isFileLibrary == false && ext.isMultiSpace == false)
            #expect(ext.autoRemoveRecycledDays == 30 && ext.fileHistoryCount == 9)
            #expect(ext.fileHistoryExpireDay == 0 && ext.maxDirFileNameLength == 255)
            #expect(ext.cosStorageClass == "STANDARD_IA")
            #expect(ext.allowFileExtName == nil, "a file-library setting is null in a media library")
            #expect(
                describedText.contains(#""AllowFileExtName":null"#) && describedText.contains(#""LibraryQuota":null"#))
            #expect(ext.libraryQuota == nil && ext.enableQuota == false)
            #expect(ext.allowPhotoExtName == [])

            // Changed through the service API, read through the admin API; and the other way round.
            _ = try await Self.call(
                app, "ModifyLibrary",
                #"{"LibraryId":"\#(id)","Name":"family-2","LibraryExtension":{"EnableFileHistory":false},"Tags":[]}"#)
            let afterModify = try await app.call(.get, "/admin/v1/libraries/\(id)")
            let modified = try afterModify.decoded(LibraryAnswer.self)
            #expect(modified.name == "family-2")
            #expect(modified.enableFileHistory == false)
            #expect(modified.remark == "r1", "untouched fields keep their value")
            let patched = try await app.call(.patch, "/admin/v1/libraries/\(id)", body: #"{"enableSearch":true}"#)
            #expect(patched.status == 200)
            let again = try await Self.call(app, "DescribeLibraries", #"{"LibraryIds":["\#(id)"]}"#)
            let againLibrary = try #require(again.list?.first)
            #expect(againLibrary.libraryExtension.enableSearch == true)
            #expect(againLibrary.libraryExtension.fileHistoryCount == nil, "null while history is off")
            #expect(againLibrary.tags.isEmpty)

            // A library made by the admin API is listed, changed and deleted by the service API.
            let adminMade = try await app.createLibrary(#"{"name":"from-admin","libraryType":"file"}"#)
            let all = try await Self.call(app, "DescribeLibraries", "{}")
            #expect(all.totalCount == 2)
            let names = all.list?.map(\.name)
            #expect(names == ["family-2", "from-admin"])
            _ = try await Self.call(app, "DeleteLibrary", #"{"LibraryId":"\#(adminMade.id)"}"#)
            #expect(try await app.call(.get, "/admin/v1/libraries/\(adminMade.id)").status == 404)
            #expect(
                try await Self.failure(app, "DeleteLibrary", #"{"LibraryId":"\#(adminMade.id)"}"#)
                    == "ResourceNotFound.Library")
            #expect(
                try await Self.failure(app, "ModifyLibrary", #"{"LibraryId":"smhnothere000000","Remark":"x"}"#)
                    == "ResourceNotFound.Library")
        }
    }

    @Test func describeLibrarySecretAnswersAWorkingStableSecret() async throws {
        try await TestApp.with(serviceAPI: Self.credentials) { app in
            let created = try await Self.call(app, "CreateLibrary", #"{"Name":"s"}"#)
            let id = try #require(created.libraryId)
            let first = try await Self.call(app, "DescribeLibrarySecret", #"{"LibraryId":"\#(id)"}"#)
            let secret = try #require(first.librarySecret)
            #expect(first.libraryId == id)
            let second = try await Self.call(app, "DescribeLibrarySecret", #"{"LibraryId":"\#(id)"}"#)
            #expect(second.librarySecret == secret, "describing does not rotate")
            _ = try await app.token((id, secret))
            // Stored hashed: the database holds the hash and a salt, never the secret.
            let stored = try #require(try await app.store.library(LibraryID(id)))
            #expect(stored.secretHash == SecretHash.hash(secret) && stored.secretSalt != nil)

            // The admin API's secret is the same secret, and its rotation is seen at once.
            let adminMade = try await app.createLibrary()
            let described = try await Self.call(app, "DescribeLibrarySecret", #"{"LibraryId":"\#(adminMade.id)"}"#)
            #expect(described.librarySecret == adminMade.secret)
            let rotated = try await app.call(.post, "/admin/v1/libraries/\(adminMade.id)/secret")
            let newSecret = try rotated.decoded(LibrarySecretAnswer.self).librarySecret
            let afterRotation = try await Self.call(
                app, "DescribeLibrarySecret", #"{"LibraryId":"\#(adminMade.id)"}"#)
            #expect(afterRotation.librarySecret == newSecret)

            // A secret made before the server had a key cannot be recomputed: it is replaced once, then stable.
            let old = try await LibraryService(store: app.store).create(
                try JSONDecoder().decode(LibrarySettingsPatch.self, from: Data(#"{"name":"old"}"#.utf8)))
            let reissued = try await Self.call(
                app, "DescribeLibrarySecret", #"{"LibraryId":"\#(old.library.id.rawValue)"}"#)
            let reissuedSecret = try #require(reissued.librarySecret)
            #expect(reissuedSecret != old.secret)
            let stable = try await Self.call(
                app, "DescribeLibrarySecret", #"{"LibraryId":"\#(old.library.id.rawValue)"}"#)
            #expect(stable.librarySecret == reissuedSecret)
            _ = try await app.token((old.library.id.rawValue, reissuedSecret))
            let refused = try await app.call(
                .get, "/api/v1/token?library_id=\(old.library.id.rawValue)&library_secret=\(old.secret)")
            #expect(refused.status == 404, "the replaced secret stops working")
        }
    }

    @Test func pagingAndGetWithQueryParameters() async throws {
        try await TestApp.with(serviceAPI: Self.credentials) { app in
            var ids: [String] = []
            for index in 0..<5 {
                let created = try await Self.call(app, "CreateLibrary", #"{"Name":"lib\#(index)"}"#)
                ids.append(try #require(created.libraryId))
            }
            func listed(_ body: String) async throws -> ([String], Int?) {
                let answer = try await Self.call(app, "DescribeLibraries", body)
                return (
                    (answer.list ?? []).map(\.libraryId),
                    answer.totalCount
                )
            }
            #expect(try await listed(#"{"PageNumber":2,"PageSize":2}"#) == (Array(ids[2..<4]), 5))
            #expect(try await listed(#"{"PageNumber":3,"PageSize":2}"#) == ([ids[4]], 5))
            #expect(try await listed(#"{"Offset":4,"Limit":10}"#) == ([ids[4]], 5))
            #expect(
                try await listed(#"{"LibraryIds":["\#(ids[1])","\#(ids[3])","smhnothere000000"]}"#).0 == [
                    ids[1], ids[3],
                ])
            for (body, code) in [
                (#"{"PageSize":101}"#, "InvalidParameterValue"), (#"{"PageNumber":0}"#, "InvalidParameterValue"),
                (#"{"Limit":0}"#, "InvalidParameterValue"), (#"{"Offset":-1}"#, "InvalidParameterValue"),
                (#"{"Offset":1,"PageSize":2}"#, "InvalidParameter"), (#"{"PageSize":"x"}"#, "InvalidParameter"),
            ] {
                #expect(try await Self.failure(app, "DescribeLibraries", body) == code, "\(body)")
            }

            // GET: parameters in the query, flattened as API 3.0 does, signed as the canonical query string.
            let query = "LibraryIds.0=\(ids[0])&LibraryIds.1=\(ids[2])&PageSize=5"
            var signer = Signer()
            signer.contentType = "application/x-www-form-urlencoded"
            let reply = try await app.call(
                .get, "/?\(query)",
                headers: signer.headers(action: "DescribeLibraries", method: "GET", query: query, payload: ""))
            let answer = try Self.response(reply)
            #expect(answer.totalCount == 2, "\(reply.text)")
            // A GET whose query was changed after signing is refused.
            let tampered = try await app.call(
                .get, "/?LibraryIds.0=\(ids[1])&PageSize=5",
                headers: signer.headers(action: "DescribeLibraries", method: "GET", query: query, payload: ""))
            #expect(try Self.errorCode(tampered) == "AuthFailure.SignatureFailure")
            // A GET / that is no API 3.0 call is an unknown route, as before.
            #expect(try await app.call(.get, "/").status == 404)
        }
    }

    @Test func signatureAndTransportErrorsCreateNothing() async throws {
        try await TestApp.with(serviceAPI: Self.credentials) { app in
            let body = #"{"Name":"never"}"#
            func code(_ headers: HTTPFields, body: String = body) async throws -> String? {
                try Self.errorCode(try await app.call(.post, "/", body: body, headers: headers))
            }
            let signer = Signer()
            var fields = signer.headers(action: "CreateLibrary", payload: body)
            fields[.authorization] = nil
            #expect(try await code(fields) == "AuthFailure.SignatureFailure", "unsigned")
            fields[.authorization] = "TC3-HMAC-SHA256 nonsense"
            #expect(try await code(fields) == "AuthFailure.InvalidAuthorization", "malformed")
            var wrongId = Signer()
            wrongId.secretId = "AKIDsomeoneelse"
            #expect(
                try await code(wrongId.headers(action: "CreateLibrary", payload: body))
                    == "AuthFailure.SecretIdNotFound")
            var wrongKey = Signer()
            wrongKey.secretKey = "not-the-key-0123456789"
            #expect(
                try await code(wrongKey.headers(action: "CreateLibrary", payload: body))
                    == "AuthFailure.SignatureFailure")
            var otherService = Signer()
            otherService.service = "cvm"
            #expect(
                try await code(otherService.headers(action: "CreateLibrary", payload: body))
                    == "AuthFailure.SignatureFailure")
            // The body is what was signed: one changed byte and the signature no longer matches.
            #expect(
                try await code(signer.headers(action: "CreateLibrary", payload: body), body: #"{"Name":"nevex"}"#)
                    == "AuthFailure.SignatureFailure")
            let now = Int(Date().timeIntervalSince1970)
            #expect(
                try await code(signer.headers(action: "CreateLibrary", payload: body, timestamp: now - 600))
                    == "AuthFailure.SignatureExpire", "10 minutes old")
            #expect(
                try await code(signer.headers(action: "CreateLibrary", payload: body, timestamp: now + 600))
                    == "AuthFailure.SignatureExpire", "10 minutes ahead")
            #expect(
                try await code(signer.headers(action: "CreateLibrary", payload: body, date: "2020-01-01"))
                    == "AuthFailure.SignatureFailure", "scope date")
            #expect(
                try await code(signer.headers(action: "CreateLibrary", payload: body, version: "2017-03-12"))
                    == "NoSuchVersion")
            #expect(try await code(signer.headers(action: "CreateLibraries", payload: body)) == "InvalidAction")
            var missingStamp = signer.headers(action: "CreateLibrary", payload: body)
            missingStamp[HTTPField.Name("X-TC-Timestamp")!] = nil
            #expect(try await code(missingStamp) == "MissingParameter")
            var text = Signer()
            text.contentType = "text/plain"
            #expect(try await code(text.headers(action: "CreateLibrary", payload: body)) == "InvalidParameter")

            let big = #"{"Name":"big","Remark":""# + String(repeating: "x", count: 1 << 20) + #""}"#
            #expect(
                try await code(signer.headers(action: "CreateLibrary", payload: big), body: big)
                    == "RequestSizeLimitExceeded")
            for invalid in ["{", "[1,2]", #""text""#] {
                #expect(
                    try await code(signer.headers(action: "CreateLibrary", payload: invalid), body: invalid)
                        == "InvalidParameter")
            }

            // Wrong types, unknown fields, missing and out-of-range values.
            for (request, expected) in [
                (#"{}"#, "MissingParameter"),
                (#"{"Name":5}"#, "InvalidParameter"),
                (#"{"Name":"x","Colour":"red"}"#, "UnknownParameter"),
                (#"{"Name":"x","LibraryExtension":{"Colour":"red"}}"#, "UnknownParameter"),
                (#"{"Name":"x","LibraryExtension":{"UseRecycleBin":"yes"}}"#, "InvalidParameter"),
                (#"{"Name":"x","LibraryExtension":{"FileHistoryCount":1000}}"#, "InvalidParameterValue"),
                (#"{"Name":"x","LibraryExtension":{"AutoRemoveRecycledDays":1096}}"#, "InvalidParameterValue"),
                (#"{"Name":"x","LibraryExtension":{"MaxDirFileNameLength":256}}"#, "InvalidParameterValue"),
                (#"{"Name":"x","LibraryExtension":{"AllowPhotoExtName":["jpg"]}}"#, "InvalidParameterValue"),
                (
                    #"{"Name":"x","LibraryExtension":{"CosStorageClass":"GLACIER"}}"#,
                    "InvalidParameterValue.CosStorageClass"
                ),
                (
                    #"{"Name":"x","LibraryExtension":{"EnableQuota":true,"IsMultiSpace":true}}"#,
                    "InvalidParameterValue.LibraryQuotaRequired"
                ),
                (
                    #"{"Name":"x","LibraryExtension":{"EnableQuota":true,"LibraryQuota":100}}"#,
                    "InvalidParameterValue.LibraryQuotaRequiresMultiSpace"
                ),
                (
                    #"{"Name":"x","LibraryExtension":{"IsMultiSpace":true,"IsPublicRead":true}}"#,
                    "InvalidParameterValue"
                ),
                (#"{"Name":"\#(String(repeating: "n", count: 51))"}"#, "InvalidParameterValue"),
                (#"{"Name":"x","Tags":[{"TagValue":"v"}]}"#, "MissingParameter"),
            ] {
                #expect(try await Self.failure(app, "CreateLibrary", request) == expected, "\(request)")
            }
            let message = try await app.call(
                .post, "/", body: #"{"Name":"x","LibraryExtension":{"FileHistoryCount":1000}}"#,
                headers: signer.headers(
                    action: "CreateLibrary", payload: #"{"Name":"x","LibraryExtension":{"FileHistoryCount":1000}}"#))
            #expect(message.text.contains("FileHistoryCount must be"), "messages use the service API's names")

            let listed = try await app.call(.get, "/admin/v1/libraries")
            #expect(
                try listed.decoded(LibraryListAnswer.self).libraries.isEmpty, "no failed call created a library")
        }
    }

    @Test func withoutCredentialsTheServiceAPIAnswersSecretIdNotFound() async throws {
        try await TestApp.with { app in
            let body = #"{"Name":"x"}"#
            let reply = try await app.call(
                .post, "/", body: body, headers: Signer().headers(action: "CreateLibrary", payload: body))
            #expect(try Self.errorCode(reply) == "AuthFailure.SecretIdNotFound")
            #expect(reply.text.contains("--api-secret-id"))
        }
    }

    @Test func anUnsignedPayloadIsAcceptedWhenTheClientSaysSo() async throws {
        try await TestApp.with(serviceAPI: Self.credentials) { app in
            let body = #"{"Name":"unsigned"}"#
            let timestamp = Int(Date().timeIntervalSince1970)
            let signer = Signer()
            // Signed over the literal "UNSIGNED-PAYLOAD", as API 3.0 allows for large bodies.
            let signature = signer.signature(
                method: "POST", query: "", payload: "UNSIGNED-PAYLOAD", timestamp: timestamp,
                date: Signer.utcDate(timestamp))
            var headers = signer.headers(action: "CreateLibrary", payload: body, timestamp: timestamp)
            headers[.authorization] =
                "TC3-HMAC-SHA256 Credential=\(signer.secretId)/\(Signer.utcDate(timestamp))/smh/tc3_request, SignedHeaders=content-type;host, Signature=\(signature)"
            headers[HTTPField.Name("X-TC-Content-SHA256")!] = "UNSIGNED-PAYLOAD"
            let response = try Self.response(try await app.call(.post, "/", body: body, headers: headers))
            #expect(response.libraryId != nil)
        }
    }

    @Test func deletionKeepsLibrariesThatHoldSomething() async throws {
        try await TestApp.with(serviceAPI: Self.credentials) { app in
            let (multi, secret) = try await Self.library(app, #"{"Name":"m","LibraryExtension":{"IsMultiSpace":true}}"#)
            let admin = try await app.token((multi, secret), "grant=admin")
            _ = try await app.createSpace(multi, token: admin)
            #expect(
                try await Self.failure(app, "DeleteLibrary", #"{"LibraryId":"\#(multi)"}"#)
                    == "ResourceInUse.MultiSpace")

            let (single, singleSecret) = try await Self.library(
                app, #"{"Name":"s","LibraryExtension":{"IsFileLibrary":true}}"#)
            let token = try await app.token((single, singleSecret), "grant=admin")
            #expect(try await app.call(.put, "/api/v1/directory/\(single)/-/docs?access_token=\(token)").status == 201)
            let described = try await Self.call(app, "DescribeLibraries", #"{"LibraryIds":["\#(single)"]}"#)
            #expect(described.list?.first?.dirNum == "1")
            #expect(try await Self.failure(app, "DeleteLibrary", #"{"LibraryId":"\#(single)"}"#) == "ResourceInUse")
            #expect(try await app.call(.get, "/admin/v1/libraries/\(single)").status == 200, "kept")
            #expect(
                try await app.call(.delete, "/api/v1/directory/\(single)/-/docs?access_token=\(token)&permanent=1")
                    .status < 300)
            _ = try await Self.call(app, "DeleteLibrary", #"{"LibraryId":"\#(single)"}"#)
            #expect(try await app.call(.get, "/admin/v1/libraries/\(single)").status == 404)
        }
    }

    @Test func theOfficialProductsActionsAnswerTruthfully() async throws {
        try await TestApp.with(serviceAPI: Self.credentials) { app in
            let overview = try await Self.call(app, "DescribeOfficialOverview", "{}")
            #expect(overview.quantity == 0 && overview.storage == "0")
            let instances = try await Self.call(app, "DescribeOfficialInstances", #"{"PageNumber":1}"#)
            #expect(instances.list?.isEmpty == true && instances.totalCount == 0)
            let packages = try await Self.call(app, "DescribeTrafficPackages", "{}")
            #expect(packages.list?.isEmpty == true)
            #expect(try await Self.failure(app, "SendSmsCode", #"{"Purpose":"x"}"#) == "UnsupportedOperation")
            #expect(try await Self.failure(app, "VerifySmsCode", "{}") == "UnsupportedOperation")
        }
    }
}
