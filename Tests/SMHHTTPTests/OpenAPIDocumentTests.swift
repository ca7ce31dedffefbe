import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /openapi.json` serves openapi.yaml (kept current by `scripts/openapi.py --check`).
@Suite struct OpenAPIDocumentTests {
    @Test func theDocumentIsServed() async throws {
        try await TestApp.with { app in
            let reply = try await app.call(.get, "/openapi.json")
            #expect(reply.status == 200)
            #expect(reply.json["openapi"] as? String == "3.1.0")
            let paths = try #require(reply.json["paths"] as? [String: Any])
            #expect(paths["/api/v1/file/{libraryId}/{spaceId}/{path}"] != nil)
            #expect(paths.count >= 45)
        }
    }
}
