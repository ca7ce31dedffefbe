import Testing

@testable import SMHCore

@Suite struct SupportTests {
    @Test func clientTimesParseWithAnyOffset() {
        #expect(Timestamp.parse("2022-07-26T02:58:09Z")?.iso8601 == "2022-07-26T02:58:09.000Z")
        #expect(Timestamp.parse("2024-01-15T10:30:00+08:00")?.iso8601 == "2024-01-15T02:30:00.000Z")
        #expect(Timestamp.parse("2024-01-15T10:30:00.5-0130")?.iso8601 == "2024-01-15T12:00:00.500Z")
        #expect(Timestamp.parse("2024-02-29 23:59:59.123456")?.iso8601 == "2024-02-29T23:59:59.123Z")
        #expect(Timestamp.parse("1709626904120")?.iso8601 == "2024-03-05T08:21:44.120Z")
        #expect(Timestamp.parse("1969-12-31T23:59:59Z")?.milliseconds == -1000)
        for bad in [
            "", "yesterday", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00+25:00", "2024-01-01", "2024-01-01T00:00:00Zjunk", "99999999999999999999",
            "2024-01-01T00:00:00.",
        ] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func iso8601HasMillisecondsAndZ() {
        #expect(Timestamp(milliseconds: 0).iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(milliseconds: 1_709_626_904_120).iso8601 == "2024-03-05T08:21:44.120Z")
        #expect(Timestamp(milliseconds: 951_782_400_000).iso8601 == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp(milliseconds: -1).iso8601 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(milliseconds: 253_402_300_799_999).iso8601 == "9999-12-31T23:59:59.999Z")
        // Outside four-digit years the digits widen instead of wrapping.
        #expect(Timestamp(milliseconds: 253_402_300_800_000).iso8601 == "10000-01-01T00:00:00.000Z")
        var appended = Array("x".utf8)
        Timestamp(milliseconds: 0).writeISO8601(to: &appended)
        #expect(String(decoding: appended, as: UTF8.self) == "x1970-01-01T00:00:00.000Z")
    }

    @Test func logRedactionHidesTokensAndSecrets() {
        #expect(
            LogRedaction.redact(target: "/api/v1/file/lib/-/a.txt?access_token=abc&info")
                == "/api/v1/file/lib/-/a.txt?access_token=***&info")
        #expect(
            LogRedaction.redact(target: "/api/v1/token?library_id=x&library_secret=s3cret")
                == "/api/v1/token?library_id=x&library_secret=***")
        #expect(LogRedaction.redact(target: "/api/v1/token/smhlib/acctkxyz?x=1") == "/api/v1/token/smhlib/***?x=1")
        #expect(LogRedaction.redact(target: "/api/v1/token/smhlib/opaque") == "/api/v1/token/smhlib/***")
        #expect(LogRedaction.redact(target: "/health") == "/health")
        #expect(LogRedaction.redact(target: "/_opensmh/up/abc123") == "/_opensmh/up/***")
        #expect(LogRedaction.redact(target: "/_opensmh/dl/aa.i.1.ff/name.txt") == "/_opensmh/dl/***/name.txt")
    }

    /// Targets seen from hostile clients (issue 17): a second `?`, a backslash, a token as another value or as a
    /// key, secrets in the path. No secret survives whatever the shape.
    @Test(arguments: [
        "/api/v1/space/a?b?access_token=acctkSECRET1",
        "/api/v1/file/x?b\\d?access_token=SECRET2&info",
        "/api/v1/file/x?q=acctkSECRET3&z=1",
        "/api/v1/file/x?access_token%3DSECRET4?library_secret=SECRET5",
        "/api/v1/x/acctkSECRET6/y?access_token",
        "/api/v1/x?a=1&&accessToken=SECRET7#frag",
        "/api/v1/x?librarySecret=SECRET8?access_token=SECRET9",
        "/api/v1/file/lib/-/acctkSECRET10.txt",
    ])
    func logRedactionHasNoHoles(target: String) {
        let logged = LogRedaction.redact(target: target)
        #expect(!logged.contains("SECRET"), "\(target) logged as \(logged)")
    }

    @Test func queryParametersUseFormSemantics() throws {
        let query = QueryParameters(raw: "info&a=1+2&a=3&b=%E6%96%87&force=true&n=x&flag=0")
        #expect(query.flag("info"))
        #expect(!query.flag("flag"))
        #expect(!query.flag("absent"))
        #expect(query["a"] == "1 2")
        #expect(query["b"] == "文")
        #expect(try query.bool("force"))
        #expect(throws: SMHError.self) { try query.int("n") }
        #expect(throws: SMHError.self) { try query.bool("a") }
    }

    @Test func secretHashMatchesOnlyTheSecret() {
        let hash = SecretHash.hash("correct horse")
        #expect(hash.count == 64)
        #expect(SecretHash.matches("correct horse", hash: hash))
        #expect(!SecretHash.matches("correct horsf", hash: hash))
        #expect(!SecretHash.matches("", hash: hash))
    }

    @Test func errorCodesHaveOneStatusEach() {
        #expect(SMHErrorCode.invalidAccessToken.httpStatus == 403)
        #expect(SMHErrorCode.adminKeyRequired.httpStatus == 401)
        #expect(SMHErrorCode.uploadIncomplete.httpStatus == 404)
        #expect(SMHErrorCode.sameNameDirectoryOrFileExists.httpStatus == 409)
        #expect(SMHErrorCode.quotaLimitReached.httpStatus == 400)
        #expect(SMHErrorCode.serverOverloaded.httpStatus == 503)
        #expect(SMHErrorCode.internalServerError.httpStatus == 500)
    }

    @Test func generatedLibraryIdsHaveTheDocumentedShape() {
        let id = LibraryID.generate().rawValue
        #expect(id.count == 16 && id.hasPrefix("smh"))
        #expect(id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) })
    }
}
