import Foundation
import Hummingbird
import HummingbirdTesting
import SMHCore
import SMHTestSupport
import Testing

@testable import SMHHTTP

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

extension OpenAPIDocumentTests {
    /// The document's error answers list the codes of each status; this holds them equal to the server's catalogue
    /// (`SMHErrorCode.httpStatus`), so a new code or a changed status fails here until openapi.yaml says it too.
    @Test func everyErrorCodeIsDocumentedUnderItsStatus() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let responses = try #require((document["components"] as? [String: Any])?["responses"] as? [String: Any])
        func codes(_ name: String) throws -> Set<String> {
            let response = try #require(responses[name] as? [String: Any], "\(name)")
            let content = try #require(
                (response["content"] as? [String: Any])?["application/json"] as? [String: Any])
            let allOf = try #require((content["schema"] as? [String: Any])?["allOf"] as? [[String: Any]])
            let code = try #require(
                (allOf.last?["properties"] as? [String: Any])?["code"] as? [String: Any], "\(name)")
            if let single = code["const"] as? String { return [single] }
            return Set(try #require(code["enum"] as? [String], "\(name)"))
        }
        let documented: [Int: String] = [
            400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
            416: "RangeNotSatisfiable",
        ]
        for (status, name) in documented {
            let expected = Set(SMHErrorCode.allCases.filter { $0.httpStatus == status }.map(\.rawValue))
            #expect(try codes(name) == expected, "\(status) \(name)")
        }
        #expect(try codes("NotImplemented") == ["FunctionNotEnabled"])
        // Every other status is the generic `Error` answer, whose description names them.
        let other = try #require((responses["Error"] as? [String: Any])?["description"] as? String)
        for code in SMHErrorCode.allCases where documented[code.httpStatus] == nil {
            #expect(other.contains("\(code.httpStatus) ") && other.contains(code.rawValue), "\(code.rawValue)")
        }
    }
}
