import Foundation
import SMHTestSupport
import Testing

/// The main answers byte for byte against files in `Golden/` (values that change from run to run — times, keys,
/// signatures, request ids — replaced by placeholders first): a renamed, added or dropped field fails here.
/// `SMH_UPDATE_GOLDEN=1 swift test --filter GoldenAnswerTests` rewrites the files after an intended change.
@Suite struct GoldenAnswerTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    /// Keys whose values vary between runs.
    static let varying: Set<String> = [
        "creationTime", "modificationTime", "expiration", "confirmKey", "Authorization", "requestId", "cosUrl",
        "cosUrlExpiration", "accessToken",
    ]

    static func normalized(_ value: Any, key: String? = nil) -> Any {
        if let key, varying.contains(key) { return "<\(key)>" }
        switch value {
        case let object as [String: Any]:
            return object.reduce(into: [String: Any]()) { $0[$1.key] = normalized($1.value, key: $1.key) }
        case let array as [Any]:
            return array.map { normalized($0) }
        case let text as String where key == "path" && text.hasPrefix("/_opensmh/up/"):
            return "/_opensmh/up/<confirmKey>"
        case let text as String where key == "eTag" && !text.hasPrefix("\""):
            return "<directory eTag>"  // a directory's eTag is its modification time
        default:
            return value
        }
    }

    static func check(_ reply: Reply, against name: String) throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(reply.text.utf8), options: [.fragmentsAllowed])
        let data = try JSONSerialization.data(
            withJSONObject: normalized(parsed), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let text = String(decoding: data, as: UTF8.self) + "\n"
        let file = directory.appendingPathComponent("\(name).json")
        if ProcessInfo.processInfo.environment["SMH_UPDATE_GOLDEN"] == "1" {
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text == expected, "\(name).json differs; the answer was:\n\(text)")
    }

    @Test func theMainAnswersKeepTheirShape() async throws {
        try await UploadFixture.with { f in
            let lib = f.library.id
            let token = f.token
            let created = try await f.app.call(.put, "/api/v1/directory/\(lib)/-/album?access_token=\(token)")
            try Self.check(created, against: "create-directory")

            let begun = try await f.begin("album/hello.txt")
            let begin = try begun.decoded(BeginUploadAnswer.self)
            #expect(begin.domain == "files.test:8080" && begin.availableDomainNum == 1)
            try Self.check(begun, against: "begin-upload")
            _ = try await f.send(begun, Array("hello, golden".utf8))
            let confirmed = try await f.confirm(begun)
            let confirm = try confirmed.decoded(NodeAnswer.self)
            #expect(confirm.path == ["album", "hello.txt"] && confirm.size == "13" && confirm.isOverwritten == false)
            try Self.check(confirmed, against: "confirm")

            let info = try await f.app.call(.get, "/api/v1/file/\(lib)/-/album/hello.txt?info&access_token=\(token)")
            #expect(try info.decoded(NodeAnswer.self).cosUrl?.contains("/_opensmh/dl/") == true)
            try Self.check(info, against: "file-info")

            #expect(
                try await f.app.call(
                    .put, "/api/v1/file/\(lib)/-/album/link.txt?access_token=\(token)",
                    body: #"{"linkTo":"album/hello.txt"}"#
                ).status == 200)
            let listing = try await f.app.call(.get, "/api/v1/directory/\(lib)/-/album?access_token=\(token)")
            let page = try listing.decoded(ListingAnswer.self)
            #expect(page.contents.map(\.name) == ["hello.txt", "link.txt"] && page.fileCount == 2)
            try Self.check(listing, against: "listing")

            let missing = try await f.app.call(.get, "/api/v1/file/\(lib)/-/album/nope.txt?info&access_token=\(token)")
            let error = try missing.decoded(ErrorAnswer.self)
            #expect(missing.status == 404 && error.code == "FileNotFound")
            try Self.check(missing, against: "error")

            let issued = try await f.app.call(
                .get, "/api/v1/token?library_id=\(lib)&library_secret=\(f.library.secret)&grant=admin")
            #expect(try issued.decoded(TokenAnswer.self).expiresIn == 86400)
            try Self.check(issued, against: "token")
        }
    }
}
