import Foundation
import HTTPTypes
import SMHCore
import SMHTestSupport
import Testing

@testable import SMHHTTP

/// Spec 10 §1.9–1.11: error bodies, request ids, CORS, unknown routes.
@Suite struct ConventionsTests {
    @Test func healthAnswersWithoutAuthentication() async throws {
        try await TestApp.with { app in
            let reply = try await app.call(.get, "/health")
            #expect(reply.status == 200)
            #expect(reply.text == #"{"status":"ok"}"#)
        }
    }

    @Test func unknownRoutesAndMethodsAnswerRouteNotFound() async throws {
        try await TestApp.with { app in
            for (method, uri) in [
                (HTTPRequest.Method.get, "/api/v1/nosuchgroup/lib/-"), (.get, "/nothing"), (.put, "/health"),
                (.get, "/admin/v1/libraries/x/y/z"),
            ] {
                let reply = try await app.call(method, uri)
                #expect(reply.status == 404, "\(method) \(uri)")
                #expect(reply.code == "RouteNotFound")
                #expect(reply.header("Content-Type") == "application/json; charset=utf-8")
            }
        }
    }

    @Test func everyErrorCarriesTheRequestIdOfItsHeader() async throws {
        try await TestApp.with { app in
            let reply = try await app.call(.get, "/api/v1/file/x/-/a.txt")
            let id = try #require(reply.header("X-Request-Id"))
            #expect(id.count >= 16)
            #expect(reply.header("x-smh-request-id") == id)
            #expect(try reply.decoded(ErrorAnswer.self).requestId == id)
            #expect(Set(reply.json.keys) == ["code", "message", "requestId"])
            // Generated ids (a per-process prefix and a counter) never repeat.
            var seen: Set<String> = [id]
            for _ in 0..<50 {
                let next = try #require(try await app.call(.get, "/health").header("X-Request-Id"))
                #expect(next.count == 24 && next.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) })
                #expect(seen.insert(next).inserted, "\(next) repeats")
            }
        }
    }

    @Test func aSaneClientRequestIdIsEchoedAndAnInsaneOneReplaced() async throws {
        try await TestApp.with { app in
            let echoed = try await app.call(.get, "/health", headers: [HTTPField.Name("X-Request-Id")!: "trace-42.a_b"])
            #expect(echoed.header("X-Request-Id") == "trace-42.a_b")
            let replaced = try await app.call(
                .get, "/health", headers: [HTTPField.Name("X-Request-Id")!: "bad id\u{7f}"])
            #expect(replaced.header("X-Request-Id") != "bad id\u{7f}")
            #expect(replaced.header("X-Request-Id")?.isEmpty == false)
        }
    }

    @Test func headErrorsHaveNoBody() async throws {
        try await TestApp.with { app in
            let reply = try await app.call(.head, "/api/v1/file/x/-/a.txt")
            #expect(reply.status == 404)
            #expect(reply.text.isEmpty)
        }
    }

    @Test func corsPreflightNeedsNoAuthenticationAndEchoesRequestedHeaders() async throws {
        try await TestApp.with { app in
            let reply = try await app.call(
                .options, "/api/v1/file/smhx/-/a.txt",
                headers: [.accessControlRequestHeaders: "content-type, x-smh-meta-a", .origin: "https://app.example"])
            #expect(reply.status == 204)
            #expect(reply.header("Access-Control-Allow-Origin") == "*")
            #expect(reply.header("Access-Control-Allow-Methods") == "GET, HEAD, POST, PUT, DELETE, OPTIONS")
            #expect(reply.header("Access-Control-Allow-Headers") == "content-type, x-smh-meta-a")
            #expect(reply.header("Access-Control-Max-Age") == "86400")

            let admin = try await app.call(.options, "/admin/v1/libraries", adminKey: nil)
            #expect(admin.status == 204)
        }
    }

    @Test func ordinaryAndErrorResponsesCarryCORSHeaders() async throws {
        try await TestApp.with { app in
            for uri in ["/health", "/api/v1/unknown"] {
                let reply = try await app.call(.get, uri)
                #expect(reply.header("Access-Control-Allow-Origin") == "*")
                #expect(reply.header("Access-Control-Expose-Headers")?.contains("x-smh-crc64") == true)
                #expect(reply.header("Access-Control-Expose-Headers")?.contains("X-Request-Id") == true)
            }
        }
    }
}

@Suite struct ErrorMappingTests {
    struct Unexpected: Error {}

    @Test func unexpectedErrorsBecomeInternalServerErrorWithoutDetails() {
        let mapped = SMHError.from(Unexpected())
        #expect(mapped.code == .internalServerError)
        #expect(mapped.httpStatus == 500)
        #expect(!mapped.message.contains("Unexpected"), "the cause is for the log only")
        #expect(mapped.cause != nil)
    }

    @Test func notImplementedIsTheOne501() {
        let error = SMHError.notImplemented("X")
        #expect(error.code == .functionNotEnabled)
        #expect(error.httpStatus == 501)
        #expect(SMHError(.functionNotEnabled, "off").httpStatus == 400)
    }
}
