import Foundation
import HTTPTypes
import Hummingbird
import SMHCore
import SMHTestSupport
import Testing

/// Spec 20 F-09 … F-11 and the download data plane (F-04.5).
@Suite struct DownloadAPITests {
    static let content: [UInt8] = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ ($0 >> 8)) }

    func fetch(_ app: TestApp, _ location: String, headers: HTTPFields = [:], method: HTTPRequest.Method = .get)
        async throws -> (status: Int, headers: HTTPFields, body: [UInt8])
    {
        let path = location.replacingOccurrences(of: "http://files.test:8080", with: "")
        let response = try await app.client.execute(uri: path, method: method, headers: headers)
        return (Int(response.status.code), response.headers, Array(buffer: response.body))
    }

    @Test func redirectThenRangesETagsAndHead() async throws {
        try await UploadFixture.with { f in
            let uploaded = try await f.upload("报告 1.bin", Self.content)
            #expect(uploaded.status == 200)
            let url = "/api/v1/file/\(f.library.id)/-/%E6%8A%A5%E5%91%8A%201.bin?access_token=\(f.token)"
            let redirect = try await f.app.call(.get, url)
            #expect(redirect.status == 302)
            #expect(redirect.text.isEmpty)
            let location = try #require(redirect.header("Location"))
            #expect(location.hasPrefix("http://files.test:8080/_opensmh/dl/"))
            #expect(redirect.header("x-smh-type") == "file")
            #expect(redirect.header("x-smh-size") == "300000")
            #expect(try redirect.header("x-smh-etag") == uploaded.decoded(NodeAnswer.self).eTag)
            #expect(redirect.header("x-smh-crc64") == String(CRC64.checksum(Self.content)))
            #expect(redirect.header("x-smh-content-type") == "application/octet-stream")
            #expect(redirect.header("x-smh-creation-time")?.hasSuffix("Z") == true)

            let whole = try await fetch(f.app, location)
            #expect(whole.status == 200)
            #expect(whole.body == Self.content)
            #expect(whole.headers[.contentLength] == "300000")
            #expect(try whole.headers[.eTag] == uploaded.decoded(NodeAnswer.self).eTag)
            #expect(whole.headers[.acceptRanges] == "bytes")
            #expect(whole.headers[HTTPField.Name("x-cos-hash-crc64ecma")!] == String(CRC64.checksum(Self.content)))
            #expect(whole.headers[.contentDisposition]?.hasPrefix("inline; filename*=UTF-8''%E6%8A%A5") == true)

            let first = try await fetch(f.app, location, headers: [.range: "bytes=0-9"])
            #expect(first.status == 206)
            #expect(first.body == Array(Self.content[0..<10]))
            #expect(first.headers[.contentRange] == "bytes 0-9/300000")
            let suffix = try await fetch(f.app, location, headers: [.range: "bytes=-5"])
            #expect(suffix.body == Array(Self.content[299_995...]))
            let open = try await fetch(f.app, location, headers: [.range: "bytes=299990-"])
            #expect(open.status == 206)
            #expect(open.body == Array(Self.content[299_990...]))
            let beyond = try await fetch(f.app, location, headers: [.range: "bytes=300000-"])
            #expect(beyond.status == 416)
            #expect(beyond.headers[.contentRange] == "bytes */300000")
            let cached = try await fetch(f.app, location, headers: [.ifNoneMatch: whole.headers[.eTag] ?? ""])
            #expect(cached.status == 304)
            #expect(cached.body.isEmpty)
            let head = try await fetch(f.app, location, method: .head)
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.headers[.contentLength] == "300000")

            let tampered = location.replacingOccurrences(of: ".i.", with: ".a.")
            #expect(try await fetch(f.app, tampered).status == 403)
            let renamed = location.replacingOccurrences(of: ".bin", with: ".exe")
            #expect(try await fetch(f.app, renamed).status == 403)

            let attachment = try await f.app.call(.get, url + "&content_disposition=attachment")
            let saved = try await fetch(f.app, attachment.header("Location") ?? "")
            #expect(saved.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(try await f.app.call(.get, url + "&content_disposition=other").code == "ParamInvalid")

            let apiHead = try await f.app.call(.head, url)
            #expect(apiHead.status == 200)
            #expect(apiHead.header("x-smh-size") == "300000")
            #expect(apiHead.header("Location") == nil)
            #expect(apiHead.text.isEmpty)
        }
    }

    @Test func infoGivesTheURLAndTheFields() async throws {
        try await UploadFixture.with { f in
            _ = try await f.upload("b.txt", Array("hello".utf8))
            let base = "/api/v1/file/\(f.library.id)/-/b.txt?access_token=\(f.token)&info"
            let info = try await f.app.call(.get, base)
            #expect(info.status == 200)
            let url = try #require(try info.decoded(NodeAnswer.self).cosUrl)
            #expect(try await fetch(f.app, url).body == Array("hello".utf8))
            #expect(try info.decoded(NodeAnswer.self).size == "5")
            #expect(try info.decoded(NodeAnswer.self).name == "b.txt")
            #expect(try info.decoded(CreatedAnswer.self).path == ["b.txt"])
            #expect(try info.decoded(NodeAnswer.self).fileType == "text")
            #expect(try info.decoded(NodeAnswer.self).contentType == "text/plain")
            #expect(try info.decoded(NodeAnswer.self).versionId != nil)
            let preCheck = try await f.app.call(.get, base + "&pre_check=1")
            #expect(preCheck.status == 200)
            #expect(try preCheck.decoded(NodeAnswer.self).cosUrl == nil)
            #expect(try await f.app.call(.get, base + "&period=30").code == "ParamInvalid")
            #expect(try await f.app.call(.get, base + "&period=60").status == 200)
        }
    }

    @Test func notFilesAreNotFound() async throws {
        try await UploadFixture.with { f in
            _ = try await f.app.call(.put, "/api/v1/directory/\(f.library.id)/-/folder?access_token=\(f.token)")
            for path in ["folder", "missing.txt", ""] {
                let reply = try await f.app.call(.get, "/api/v1/file/\(f.library.id)/-/\(path)?access_token=\(f.token)")
                #expect(reply.status == 404, "\(path)")
                #expect(reply.code == "FileNotFound", "\(path)")
                let head = try await f.app.call(.head, "/api/v1/file/\(f.library.id)/-/\(path)?access_token=\(f.token)")
                #expect(head.status == 404 && head.text.isEmpty, "\(path)")
            }
            let other = try await f.app.createLibrary(#"{"name":"other"}"#)
            let foreign = try await f.app.token(other)
            let refused = try await f.app.call(.get, "/api/v1/file/\(f.library.id)/-/x.txt?access_token=\(foreign)")
            #expect(refused.code == "InvalidAccessToken")
        }
    }

    @Test func signedURLsExpire() {
        let signer = DataPlaneSigner(secret: "k")
        let signature = signer.sign(purpose: "download", subject: "s", expires: Timestamp(milliseconds: 10_000))
        #expect(signer.verify(signature, purpose: "download", subject: "s", now: Timestamp(milliseconds: 9_000)))
        #expect(!signer.verify(signature, purpose: "download", subject: "s", now: Timestamp(milliseconds: 10_000)))
        #expect(!signer.verify(signature, purpose: "upload", subject: "s", now: Timestamp(milliseconds: 9_000)))
        #expect(!signer.verify(signature, purpose: "download", subject: "t", now: Timestamp(milliseconds: 9_000)))
        #expect(
            !DataPlaneSigner(secret: "other").verify(
                signature, purpose: "download", subject: "s", now: Timestamp(milliseconds: 0)))
    }

    /// F-13 (issue 15, item 10): a document's preview is its download link (inline); the usual refusals come first.
    @Test func documentPreviewRedirectsToTheDownload() async throws {
        try await UploadFixture.with { f in
            let lib = f.library.id
            _ = try await f.upload("report.pdf", Array("%PDF-1.4 one".utf8))
            for query in ["preview", "preview&type=html&purpose=preview&lang=en", "preview&type=pic"] {
                let reply = try await f.app.call(
                    .get, "/api/v1/file/\(lib)/-/report.pdf?\(query)&access_token=\(f.token)")
                #expect(reply.status == 302, "\(query)")
                let location = try #require(reply.header("Location"))
                #expect(location.hasPrefix("http://files.test:8080/_opensmh/dl/"))
                let fetched = try await fetch(f.app, location)
                #expect(fetched.status == 200)
                #expect(fetched.body == Array("%PDF-1.4 one".utf8))
                #expect(fetched.headers[.contentDisposition]?.hasPrefix("inline") == true)
            }
            let missing = try await f.app.call(
                .get, "/api/v1/file/\(lib)/-/nothing.pdf?preview&access_token=\(f.token)")
            #expect(missing.status == 404)
            #expect(missing.code == "FileNotFound")
            let anonymous = try await f.app.call(.get, "/api/v1/file/\(lib)/-/report.pdf?preview")
            #expect(anonymous.code == "EmptyAccessToken")
            // A "photo" no engine can decode previews as its download link too (PreviewAPITests covers real ones).
            _ = try await f.upload("photo.jpg", [0xFF, 0xD8, 0xFF])
            let photo = try await f.app.call(
                .get, "/api/v1/file/\(lib)/-/photo.jpg?preview&size=64&access_token=\(f.token)")
            #expect(photo.status == 302)
            #expect(photo.header("Location")?.hasPrefix("http://files.test:8080/_opensmh/dl/") == true)
        }
    }
}

/// `--public-url` with a path: the prefix a reverse proxy strips is put in front of every data-plane path handed out.
@Suite struct PublicURLPrefixTests {
    @Test func dataPlanePathsCarryThePrefix() async throws {
        try await TestApp.with(publicURL: "https://media.example.com/smh/") { app in
            let library = try await app.createLibrary()
            let f = UploadFixture(
                app: app, library: library, token: try await app.token(library, "grant=admin"))
            let begun = try await f.begin("a.txt")
            let begin = try begun.decoded(BeginUploadAnswer.self)
            #expect(begin.domain == "media.example.com")
            let path = begin.path
            #expect(path.hasPrefix("/smh/_opensmh/up/"))
            // What the proxy forwards: the path without its prefix.
            let auth = begin.headers["Authorization"] ?? ""
            let sent = try await app.client.execute(
                uri: String(path.dropFirst(4)), method: .put, headers: [.authorization: auth, .contentLength: "5"],
                body: ByteBuffer(string: "hello"))
            #expect(sent.status == .ok)
            #expect(try await f.confirm(begun).status == 200)

            let redirect = try await app.call(.get, "/api/v1/file/\(library.id)/-/a.txt?access_token=\(f.token)")
            let location = try #require(redirect.header("Location"))
            #expect(location.hasPrefix("https://media.example.com/smh/_opensmh/dl/"))
            let body = try await app.client.execute(
                uri: String(location.dropFirst("https://media.example.com/smh".count)), method: .get)
            #expect(String(buffer: body.body) == "hello")

            let form = try await app.call(
                .post, "/api/v1/file/\(library.id)/-/b.txt?filesize=1&access_token=\(f.token)")
            #expect(form.status == 201)
            #expect(try form.decoded(FormBeginAnswer.self).path == "/smh/", "the form goes to the prefix's root")
        }
    }
}
