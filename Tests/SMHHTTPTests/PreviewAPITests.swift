import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SMHBlobS3
import SMHCore
import SMHMedia
import SMHTestSupport
import Testing

/// Spec 20 F-12 (thumbnails, video covers), D-12 (album and space covers), spec 30 R3, through real libvips and
/// FFmpeg on the fixture files `scripts/fixtures/make_media.sh` made.
@Suite struct PreviewAPITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    struct Media {
        let app: TestApp
        let library: (id: String, secret: String)
        let token: String

        func upload(_ path: String, _ fixture: String) async throws {
            let f = UploadFixture(app: app, library: library, token: token)
            let reply = try await f.upload(path, try PreviewAPITests.fixture(fixture))
            guard reply.status == 200 else { throw TestFailure("upload \(path): \(reply.status) \(reply.text)") }
        }

        func preview(_ path: String, _ query: String = "", token: String? = nil) async throws -> Reply {
            try await app.call(
                .get, "/api/v1/file/\(library.id)/-/\(path)?preview\(query)&access_token=\(token ?? self.token)")
        }

        /// Follows a preview's `Location` on the data plane.
        func fetch(_ location: String, headers: HTTPFields = [:]) async throws -> (
            status: Int, headers: HTTPFields, body: [UInt8]
        ) {
            let path = location.replacingOccurrences(of: "http://files.test:8080", with: "")
            let response = try await app.client.execute(uri: path, method: .get, headers: headers)
            return (Int(response.status.code), response.headers, Array(buffer: response.body))
        }

        /// A preview that must be a rendition: its bytes, type and pixel size.
        func thumbnail(_ path: String, _ query: String) async throws -> (
            type: String?, width: Int, height: Int, bytes: [UInt8], location: String
        ) {
            let reply = try await preview(path, query)
            guard reply.status == 302, let location = reply.header("Location"),
                location.hasPrefix("http://files.test:8080/_opensmh/th/")
            else {
                throw TestFailure("\(path)?preview\(query): \(reply.status) \(reply.header("Location") ?? reply.text)")
            }
            let fetched = try await fetch(location)
            guard fetched.status == 200, let size = ImageSize.of(fetched.body) else {
                throw TestFailure("\(location): \(fetched.status), \(fetched.body.count) bytes")
            }
            return (fetched.headers[.contentType], size.width, size.height, fetched.body, location)
        }
    }

    static func with(
        _ libraryBody: String = #"{"name":"photos","libraryType":"media","isMultiAlbum":false}"#,
        media: MediaSettings = TestApp.media, _ body: @Sendable (Media) async throws -> Void
    ) async throws {
        let tools = MediaTools.locate(in: nil)
        try #require(
            tools.videosAvailable,
            "previews need libvips and FFmpeg: apt-get install libvips-tools ffmpeg (missing: \(tools.missing))")
        try await TestApp.with(media: media) { app in
            let library = try await app.createLibrary(libraryBody)
            try await body(Media(app: app, library: library, token: try await app.token(library, "grant=admin")))
        }
    }

    /// The stored renditions (paths under `renditions/`), wherever the store keeps them.
    static func renditionFiles(_ app: TestApp) async throws -> [String] {
        if let s3 = app.deps.blobs as? S3BlobStore {
            let prefix = s3.client.location.prefix + "renditions/"
            return try await s3.client.listObjects(prefix: prefix).objects.map {
                String($0.key.dropFirst(prefix.count))
            }
            .sorted()
        }
        let root = app.dataDirectory + "/renditions"
        let all = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
        return all.filter { !$0.hasPrefix("tmp") && ($0.hasSuffix(".jpg") || $0.hasSuffix(".png")) }.sorted()
    }

    @Test func exifOrientationAndEveryBox() async throws {
        try await Self.with { m in
            try await m.upload("portrait.jpg", "portrait-exif.jpg")
            // Stored 400 × 200 with orientation 6: shown 200 × 400.
            let width = try await m.thumbnail("portrait.jpg", "&width_size=100")
            #expect(width.type == "image/jpeg")
            #expect(width.width == 100 && width.height == 200, "EXIF rotation applied: the portrait stays portrait")
            let height = try await m.thumbnail("portrait.jpg", "&height_size=100")
            #expect(height.width == 50 && height.height == 100)
            let square = try await m.thumbnail("portrait.jpg", "&size=64&mobile&purpose=list&frame_number=1")
            #expect(square.width == 64 && square.height == 64)
            let scaled = try await m.thumbnail("portrait.jpg", "&scale=50")
            #expect(scaled.width == 100 && scaled.height == 200)
            let box = try await m.thumbnail("portrait.jpg", "&width_size=100&height_size=100")
            #expect(box.width == 50 && box.height == 100, "both sides: fits the box, aspect kept")
            // size wins over scale, scale over width/height (spec order).
            let precedence = try await m.thumbnail("portrait.jpg", "&size=32&scale=50&width_size=10")
            #expect(precedence.width == 32 && precedence.height == 32)
            let never = try await m.thumbnail("portrait.jpg", "&width_size=4000")
            #expect(never.width == 200 && never.height == 400, "never enlarged")
            let webp = try await m.preview("portrait.jpg", "&size=40&format=webp")
            let fetchedWebp = try await m.fetch(try #require(webp.header("Location")))
            #expect(fetchedWebp.headers[.contentType] == "image/webp")
            #expect(Array(fetchedWebp.body.prefix(4)) == Array("RIFF".utf8))

            // No size: a JPEG is its own preview, as a download link shown inline.
            let original = try await m.preview("portrait.jpg")
            #expect(original.status == 302)
            #expect(original.header("Location")?.hasPrefix("http://files.test:8080/_opensmh/dl/") == true)
            #expect(original.text.isEmpty)
        }
    }

    @Test func renditionHeadersAndConditionalRequests() async throws {
        try await Self.with { m in
            try await m.upload("p.jpg", "portrait-exif.jpg")
            let reply = try await m.preview("p.jpg", "&size=48")
            let location = try #require(reply.header("Location"))
            let first = try await m.fetch(location)
            #expect(first.status == 200)
            #expect(first.headers[.contentLength] == String(first.body.count))
            #expect(first.headers[.cacheControl]?.hasPrefix("private, max-age=") == true)
            let etag = try #require(first.headers[.eTag])
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))
            let again = try await m.fetch(location, headers: [.ifNoneMatch: etag])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            // A forged or altered capability is refused like a download URL.
            let forged = try await m.fetch(location.replacingOccurrences(of: "s48", with: "s49"))
            #expect(forged.status == 401 || forged.status == 403)
            #expect(
                (try? JSONSerialization.jsonObject(with: Data(forged.body)) as? [String: Any])?["code"] as? String
                    == "InvalidAccessToken")
        }
    }

    @Test func renditionsAreMadeOncePerContent() async throws {
        try await Self.with { m in
            try await m.upload("a.jpg", "portrait-exif.jpg")
            try await m.upload("copy of a.jpg", "portrait-exif.jpg")
            let made = m.app.deps.previews.renditionsMade
            // Eight concurrent requests for the same missing rendition make it once.
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await m.preview("a.jpg", "&size=72").status } }
                for try await status in group { #expect(status == 302) }
            }
            #expect(m.app.deps.previews.renditionsMade == made + 1)
            let files = try await Self.renditionFiles(m.app)
            #expect(files.count == 1)
            // The same content under another name, and the same file again: nothing new is made.
            let other = try await m.thumbnail("copy%20of%20a.jpg", "&size=72")
            #expect(other.width == 72)
            _ = try await m.thumbnail("a.jpg", "&size=72")
            #expect(m.app.deps.previews.renditionsMade == made + 1)
            #expect(try await Self.renditionFiles(m.app) == files)
        }
    }

    @Test func formatsPeopleUpload() async throws {
        try await Self.with { m in
            for name in ["alpha.png", "anim.gif", "photo.webp", "photo.heic", "photo.tiff", "photo.bmp"] {
                try await m.upload(name, name)
            }
            let alpha = try await m.thumbnail("alpha.png", "&size=50")
            #expect(alpha.type == "image/png", "transparency keeps a format that has it")
            #expect(alpha.width == 50 && alpha.height == 50)
            let gif = try await m.thumbnail("anim.gif", "&size=40")
            #expect(gif.type == "image/jpeg" && gif.width == 40)
            let webp = try await m.thumbnail("photo.webp", "&width_size=64")
            #expect(webp.width == 64 && webp.height == 48)
            let heic = try await m.thumbnail("photo.heic", "&size=32")
            #expect(heic.type == "image/jpeg" && heic.width == 32 && heic.height == 32)
            // Browsers cannot show HEIC or TIFF: with no size their preview is a full-size JPEG, not the original.
            let heicFull = try await m.thumbnail("photo.heic", "")
            #expect(heicFull.type == "image/jpeg" && heicFull.width == 512 && heicFull.height == 384)
            let tiff = try await m.thumbnail("photo.tiff", "&scale=50")
            #expect(tiff.width == 160 && tiff.height == 120)
            let bmp = try await m.thumbnail("photo.bmp", "&width_size=32")
            #expect(bmp.width == 32 && bmp.height == 24)
        }
    }

    @Test func videoCovers() async throws {
        try await Self.with { m in
            try await m.upload("clip.mp4", "clip.mp4")
            let full = try await m.thumbnail("clip.mp4", "")
            #expect(full.type == "image/jpeg" && full.width == 320 && full.height == 240)
            // The clip opens on half a second of black; a black 320 × 240 JPEG is ~1 KB, the test pattern far more.
            #expect(full.bytes.count > 4000, "the cover skips the black first frames")
            let square = try await m.thumbnail("clip.mp4", "&size=64")
            #expect(square.width == 64 && square.height == 64)
            for container in ["mkv", "mov", "webm", "avi"] {
                try await m.upload("clip.\(container)", "clip.\(container)")
                let cover = try await m.thumbnail("clip.\(container)", "&width_size=160")
                #expect(cover.width == 160 && cover.height == 120, "\(container)")
            }
        }
    }

    @Test func badParametersAndMissingFiles() async throws {
        try await Self.with { m in
            try await m.upload("p.jpg", "portrait-exif.jpg")
            for query in [
                "&size=abc", "&size=-1", "&size=0", "&size=100000", "&scale=0", "&scale=101", "&scale=x",
                "&width_size=0", "&height_size=1.5", "&format=gif",
            ] {
                let reply = try await m.preview("p.jpg", query)
                #expect(reply.status == 400, "\(query)")
                #expect(reply.code == "ParamInvalid", "\(query)")
            }
            let missing = try await m.preview("nothing.jpg", "&size=64")
            #expect(missing.status == 404)
            #expect(missing.code == "FileNotFound")
            let anonymous = try await m.app.call(.get, "/api/v1/file/\(m.library.id)/-/p.jpg?preview&size=64")
            let download = try await m.app.call(.get, "/api/v1/file/\(m.library.id)/-/p.jpg")
            #expect(anonymous.status == download.status && anonymous.code == download.code)
            #expect(anonymous.status >= 400 && anonymous.status < 500)
        }
    }

    @Test func hostileInputFallsBackNeverFails() async throws {
        try await Self.with { m in
            for name in ["corrupt.jpg", "bomb.png", "not-a-photo.jpg", "truncated.mp4"] {
                try await m.upload(name, name)
            }
            for name in ["corrupt.jpg", "bomb.png", "not-a-photo.jpg"] {
                let reply = try await m.preview(name, "&size=64")
                #expect(reply.status == 302, "\(name)")
                #expect(
                    reply.header("Location")?.hasPrefix("http://files.test:8080/_opensmh/dl/") == true,
                    "\(name): a picture that cannot be decoded previews as its download link")
                // Asked again: the failure is remembered, no tool runs on the same bytes.
                let made = m.app.deps.previews.renditionsMade
                #expect(try await m.preview(name, "&size=64").status == 302)
                #expect(m.app.deps.previews.renditionsMade == made)
            }
            let video = try await m.preview("truncated.mp4", "&size=64")
            #expect(video.status == 302 || (video.status == 404 && video.code == "FileNotFound"))
            // Meanwhile previews keep working.
            try await m.upload("fine.jpg", "portrait-exif.jpg")
            #expect(try await m.thumbnail("fine.jpg", "&size=16").width == 16)
        }
    }

    @Test func pixelLimitIsConfigurable() async throws {
        var media = TestApp.media
        media.maxImagePixels = 10_000
        try await Self.with(media: media) { m in
            try await m.upload("p.jpg", "portrait-exif.jpg")  // 80,000 pixels
            let reply = try await m.preview("p.jpg", "&size=64")
            #expect(reply.status == 302)
            #expect(reply.header("Location")?.contains("/_opensmh/dl/") == true)
        }
    }

    @Test func linksHistoryAndRecycleBin() async throws {
        try await Self.with(#"{"name":"files","enableFileHistory":true}"#) { m in
            try await m.upload("p.jpg", "portrait-exif.jpg")
            let link = try await m.app.call(
                .put, "/api/v1/file/\(m.library.id)/-/link.jpg?access_token=\(m.token)", body: #"{"linkTo":"p.jpg"}"#)
            #expect(link.status == 200)
            let viaLink = try await m.thumbnail("link.jpg", "&size=30")
            #expect(viaLink.width == 30)
            // A document previews as its download link (F-13).
            let f = UploadFixture(app: m.app, library: m.library, token: m.token)
            _ = try await f.upload("notes.txt", Array("hello".utf8))
            let doc = try await m.preview("notes.txt", "&size=64")
            #expect(doc.status == 302 && doc.header("Location")?.contains("/_opensmh/dl/") == true)
            // R3: a recycled photo previews as a thumbnail too.
            let deleted = try await m.app.call(.delete, "/api/v1/file/\(m.library.id)/-/p.jpg?access_token=\(m.token)")
            let item = try deleted.decoded(RecycledAnswer.self).recycledItemId
            let recycled = try await m.app.call(
                .get, "/api/v1/recycled/\(m.library.id)/-/\(item)?preview&size=24&access_token=\(m.token)")
            #expect(recycled.status == 302)
            #expect(recycled.header("Location")?.contains("/_opensmh/th/") == true)
        }
    }

    @Test func albumAndSpaceCovers() async throws {
        try await Self.with(#"{"name":"albums","libraryType":"media"}"#) { m in
            let base = "/api/v1/album/\(m.library.id)/-/cover"
            #expect(
                try await m.app.call(.put, "/api/v1/directory/\(m.library.id)/-/Trip?access_token=\(m.token)").status
                    == 201)
            #expect(
                try await m.app.call(.put, "/api/v1/directory/\(m.library.id)/-/Empty?access_token=\(m.token)").status
                    == 201)
            try await m.upload("Trip/photo.jpg", "portrait-exif.jpg")
            try await m.upload("Trip/clip.mp4", "clip.mp4")
            // Newest upload first: the video, by its cover frame.
            let cover = try await m.app.call(.get, "\(base)/Trip?size=48&access_token=\(m.token)")
            #expect(cover.status == 302)
            let location = try #require(cover.header("Location"))
            let fetched = try await m.fetch(location)
            #expect(fetched.status == 200 && ImageSize.of(fetched.body)?.width == 48)
            let video = try await m.preview("Trip/clip.mp4", "&size=48")
            // The same content and key (the signature's expiry second may differ).
            let grant = { (url: String?) -> String in
                String(
                    url?.split(separator: "/").dropLast().last?.split(separator: ".").prefix(2).joined(separator: ".")
                        ?? "")
            }
            #expect(grant(video.header("Location")) == grant(location), "the cover is that video's own rendition")

            let noAlbum = try await m.app.call(.get, "\(base)?size=48&access_token=\(m.token)")
            #expect(noAlbum.status == 400 && noAlbum.code == "ParamInvalid")
            let unknown = try await m.app.call(.get, "\(base)/Nowhere?size=48&access_token=\(m.token)")
            #expect(unknown.status == 404 && unknown.code == "DirectoryNotFound")
            let empty = try await m.app.call(.get, "\(base)/Empty?size=48&access_token=\(m.token)")
            #expect(empty.status == 404 && empty.code == "FileNotFound")
            let badSize = try await m.app.call(.get, "\(base)/Trip?size=0&access_token=\(m.token)")
            #expect(badSize.status == 400 && badSize.code == "ParamInvalid")
        }
        try await Self.with { m in
            let base = "/api/v1/album/\(m.library.id)/-/cover"
            try await m.upload("photo.jpg", "portrait-exif.jpg")
            let space = try await m.app.call(.get, "\(base)?size=20&access_token=\(m.token)")
            #expect(space.status == 302 && space.header("Location")?.contains("/_opensmh/th/") == true)
            let named = try await m.app.call(.get, "\(base)/photo.jpg?access_token=\(m.token)")
            #expect(named.status == 400 && named.code == "ParamInvalid", "no albums here: no album name")
        }
        try await Self.with(#"{"name":"files"}"#) { m in
            let reply = try await m.app.call(.get, "/api/v1/album/\(m.library.id)/-/cover?access_token=\(m.token)")
            #expect(reply.status == 400 && reply.code == "ParamInvalid", "covers belong to media libraries")
        }
    }

    @Test func withoutToolsPhotosPreviewAsOriginalsAndVideosHaveNone() async throws {
        let empty = NSTemporaryDirectory() + "no-tools-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        var media = TestApp.media
        media.toolDirectory = empty
        try await Self.with(media: media) { m in
            #expect(!m.app.deps.previews.tools.imagesAvailable)
            try await m.upload("p.jpg", "portrait-exif.jpg")
            try await m.upload("clip.mp4", "clip.mp4")
            let photo = try await m.preview("p.jpg", "&size=64")
            #expect(photo.status == 302 && photo.header("Location")?.contains("/_opensmh/dl/") == true)
            let video = try await m.preview("clip.mp4", "&size=64")
            #expect(video.status == 404 && video.code == "FileNotFound")
            let listing = try await m.app.call(.get, "/api/v1/directory/\(m.library.id)/-?access_token=\(m.token)")
            let contents = try listing.decoded(ListingAnswer.self).contents
            #expect(contents.count == 2)
            #expect(contents.allSatisfy { $0.previewByCI == false && $0.previewAsIcon == false })
            let info = try await m.app.call(.get, "/api/v1/file/\(m.library.id)/-/p.jpg?info&access_token=\(m.token)")
            #expect(try info.decoded(NodeAnswer.self).previewByCI == false)
        }
        try await Self.with { m in
            try await m.upload("p.jpg", "portrait-exif.jpg")
            let info = try await m.app.call(.get, "/api/v1/file/\(m.library.id)/-/p.jpg?info&access_token=\(m.token)")
            #expect(try info.decoded(NodeAnswer.self).previewByCI == true, "with the tools, photos preview")
        }
    }

    @Test func thumbnailsAreMadeAheadAfterUpload() async throws {
        var media = TestApp.media
        media.pregenerateSizes = [40]
        try await Self.with(media: media) { m in
            try await m.upload("p.jpg", "portrait-exif.jpg")
            var ready = false
            for _ in 0..<100 where !ready {
                ready = try await Self.renditionFiles(m.app).contains { $0.hasSuffix("/s40.jpg") }
                if !ready { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(ready, "the grid size is made after confirm, before anyone asks")
            let made = m.app.deps.previews.renditionsMade
            _ = try await m.thumbnail("p.jpg", "&size=40")
            #expect(m.app.deps.previews.renditionsMade == made, "the first view finds it ready")
        }
    }
}

extension PreviewAPITests {
    /// `history_id` previews that version's content.
    @Test func historyVersions() async throws {
        try await Self.with(#"{"name":"files","enableFileHistory":true}"#) { m in
            try await m.upload("pic.jpg", "portrait-exif.jpg")
            let f = UploadFixture(app: m.app, library: m.library, token: m.token)
            // The same name now holds a transparent PNG.
            let replaced = try await f.upload(
                "pic.jpg", try Self.fixture("alpha.png"), "&conflict_resolution_strategy=overwrite")
            #expect(replaced.status == 200)
            let listed = try await m.app.call(
                .get, "/api/v1/directory-history/\(m.library.id)/-/history-list/pic.jpg?access_token=\(m.token)")
            let contents = try listed.decoded(HistoryListAnswer.self).contents
            let older = try #require(contents.compactMap(\.id).first)
            let latest = try await m.thumbnail("pic.jpg", "&width_size=100")
            #expect(latest.type == "image/png" && latest.width == 100 && latest.height == 100)
            let version = try await m.thumbnail("pic.jpg", "&width_size=100&history_id=\(older)")
            #expect(version.type == "image/jpeg" && version.width == 100 && version.height == 200)
            let unknown = try await m.preview("pic.jpg", "&size=10&history_id=999999")
            #expect(unknown.status == 404)
        }
    }

    /// A tool that overruns `--media-timeout` is killed and the preview falls back; nothing is cached for it.
    @Test func toolsPastTheirTimeFallBack() async throws {
        // Tools that never finish: whatever the machine's load, every run overruns the limit.
        let slow = NSTemporaryDirectory() + "slow-tools-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: slow, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: slow) }
        for tool in ["vips", "vipsheader", "ffmpeg", "ffprobe"] {
            let path = "\(slow)/\(tool)"
            #expect(FileManager.default.createFile(atPath: path, contents: Data("#!/bin/sh\nexec sleep 30\n".utf8)))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        var media = TestApp.media
        media.toolDirectory = slow
        media.timeoutSeconds = 0.3
        try await Self.with(media: media) { m in
            try await m.upload("p.jpg", "portrait-exif.jpg")
            try await m.upload("clip.mp4", "clip.mp4")
            let photo = try await m.preview("p.jpg", "&size=64")
            #expect(photo.status == 302 && photo.header("Location")?.contains("/_opensmh/dl/") == true)
            let video = try await m.preview("clip.mp4", "&size=64")
            #expect(video.status == 404 && video.code == "FileNotFound")
            #expect(try await Self.renditionFiles(m.app).isEmpty)
            // A timeout says nothing about the bytes: they are not marked unreadable, a later try reads them.
            let sha = SHA256.hash(data: try Self.fixture("portrait-exif.jpg")).hexString
            let stored = try await m.app.store.mediaInfo(sha256: sha)
            #expect(stored == nil)
        }
    }

    /// Issue 13 item 6: media information read once per content; the capture time is the default local time.
    @Test func photoMetadataAndCaptureTime() async throws {
        try await Self.with { m in
            let info = { (name: String) in
                try await m.app.call(
                    .get, "/api/v1/file/\(m.library.id)/-/\(name)?info&with_media_info=1&access_token=\(m.token)")
            }
            try await m.upload("p.jpg", "portrait-exif.jpg")
            var local: String?
            for _ in 0..<100 where local == nil {
                local = try await info("p.jpg").decoded(NodeAnswer.self).localCreationTime
                if local == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(local == "2023-07-14T09:30:05.000Z", "the EXIF capture time (no offset recorded: as UTC)")
            let photo = try #require(try await info("p.jpg").decoded(NodeAnswer.self).mediaInfo)
            #expect(photo.width == 200 && photo.height == 400, "upright dimensions")
            #expect(photo.make == "Canon" && photo.model == "EOS R5")
            #expect(photo.takenAt == "2023-07-14T09:30:05.000Z")
            #expect(abs((photo.latitude ?? 0) - 52.52) < 0.001)
            #expect(abs((photo.longitude ?? 0) - 13.4) < 0.001)
            #expect(photo.durationMs == nil)
            let plain = try await m.app.call(.get, "/api/v1/file/\(m.library.id)/-/p.jpg?info&access_token=\(m.token)")
            #expect(try plain.decoded(NodeAnswer.self).mediaInfo == nil, "only when asked")

            // A time the client sent is never replaced.
            let f = UploadFixture(app: m.app, library: m.library, token: m.token)
            let begun = try await m.app.call(
                .put, "/api/v1/file/\(m.library.id)/-/mine.jpg?access_token=\(m.token)",
                body: #"{"localCreationTime":"2020-01-01T00:00:00Z"}"#)
            _ = try await f.send(begun, try Self.fixture("portrait-exif.jpg"))
            #expect(try await f.confirm(begun).status == 200)
            try await Task.sleep(for: .milliseconds(500))
            #expect(
                try await info("mine.jpg").decoded(NodeAnswer.self).localCreationTime == "2020-01-01T00:00:00.000Z")

            // Videos: dimensions and duration, read on demand when no follow-up ran.
            try await m.upload("clip.mp4", "clip.mp4")
            let video = try #require(try await info("clip.mp4").decoded(NodeAnswer.self).mediaInfo)
            #expect(video.width == 320 && video.height == 240)
            #expect((2400...2600).contains(video.durationMs ?? 0))
            // Something the engines cannot read has none, and says so without failing.
            try await m.upload("not-a-photo.jpg", "not-a-photo.jpg")
            let unreadable = try await info("not-a-photo.jpg")
            #expect(unreadable.status == 200)
            #expect(try unreadable.decoded(NodeAnswer.self).mediaInfo == nil)
        }
    }
}

/// Pixel dimensions from a PNG's IHDR or a JPEG's SOF marker: enough to check what the engines produced.
enum ImageSize {
    static func of(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        if bytes.count > 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return (be(bytes, 16, 4), be(bytes, 20, 4))
        }
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            let length = be(bytes, index + 2, 2)
            if (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
                return (be(bytes, index + 7, 2), be(bytes, index + 5, 2))
            }
            index += 2 + length
        }
        return nil
    }

    static func be(_ bytes: [UInt8], _ at: Int, _ count: Int) -> Int {
        bytes[at..<(at + count)].reduce(0) { $0 << 8 | Int($1) }
    }
}
