import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SMHBlobLocal
import SMHBlobS3
import SMHCore
import SMHHTTP
import SMHMedia
import SMHStoreSQL
import SQLKit

/// An answer of the server, with its JSON body parsed.
public struct Reply: Sendable {
    public let status: Int
    public let headers: HTTPFields
    public let text: String

    public init(status: Int, headers: HTTPFields, text: String) {
        self.status = status
        self.headers = headers
        self.text = text
    }

    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    public var code: String? { json["code"] as? String }

    public func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
}

/// The server under test: the real router on a real store (SQLite file or PostgreSQL database) and blob folder.
public struct TestApp: Sendable {
    public static let adminKey = "test-admin-key-0123456789"

    public let client: any SMHTestClient
    public let store: SQLStore
    public let dataDirectory: String
    public let deps: AppDependencies
    /// Over a real socket (`SMH_TEST_LIVE=1`): requests the HTTP parser refuses never reach the router.
    public let live: Bool

    /// Previews as `smh serve` makes them, minus the thumbnails made ahead of time after each upload: background work
    /// the tests would race with. The preview tests that want it turn it on.
    public static var media: MediaSettings {
        var settings = MediaSettings()
        settings.pregenerateSizes = []
        return settings
    }

    /// `SMH_TEST_LIVE=1` runs every HTTP test over a real socket through the fast lane instead of straight into the
    /// router (`scripts/test` runs the HTTP suite both ways on SQLite).
    public static let liveByDefault = ProcessInfo.processInfo.environment["SMH_TEST_LIVE"] == "1"

    public static func with<T: Sendable>(
        media: MediaSettings = TestApp.media,
        blobs: (@Sendable (_ dataDirectory: String) async throws -> any BlobStore)? = nil,
        configure: @Sendable (inout AppDependencies) -> Void = { _ in }, metricsToken: String? = nil,
        publicURL: String = "http://files.test:8080", serviceAPI: ServiceAPICredentials? = nil,
        live: Bool = TestApp.liveByDefault,
        _ body: @Sendable (TestApp) async throws -> T
    ) async throws -> T {
        try await TestStore.with { store, directory async throws in
            var storage = try await TestBlobs.make(dataDirectory: directory)
            if let blobs { storage.blobs = try await blobs(directory) }
            var deps = try await AppDependencies.load(
                store: store, blobs: storage.blobs, renditions: storage.renditions, workDirectory: directory,
                media: media)
            configure(&deps)
            let configured = deps
            var settings = ServerSettings(publicURL: publicURL, adminKeyHash: SecretHash.hash(adminKey))
            settings.metricsTokenHash = metricsToken.map(SecretHash.hash)
            settings.serviceAPI = serviceAPI
            let responder = buildRouter(configured, settings: settings).buildResponder()
            let application: Application<RouterResponder<SMHRequestContext>>
            if live {
                // A real listener on loopback with the fast lane, as `smh serve` runs: every request crosses the
                // HTTP codec, and bodiless API reads are answered by `FastLaneHandler`.
                let lane = FastLane(logger: TestStore.logger)
                lane.install(responder)
                let withLane = ProcessInfo.processInfo.environment["SMH_TEST_FAST_LANE"] != "0"
                application = Application(
                    responder: responder, server: plainHTTP1(fastLane: withLane ? lane : nil),
                    configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "OpenSMH"),
                    logger: TestStore.logger)
            } else {
                application = Application(responder: responder)
            }
            return try await application.test(live ? .live : .router) { client in
                let liveClient = live ? LiveClient(port: client.port ?? 0) : nil
                // The background work runs beside the test, as under `smh serve`'s service group.
                do {
                    let value = try await withThrowingTaskGroup(of: T?.self) { group in
                        group.addTask {
                            await configured.background.run()
                            return nil
                        }
                        let result = try await body(
                            TestApp(
                                client: liveClient ?? RouterClient(base: client), store: store,
                                dataDirectory: directory, deps: configured,
                                live: live))
                        group.cancelAll()
                        return result
                    }
                    await liveClient?.shutdown()
                    return value
                } catch {
                    await liveClient?.shutdown()
                    throw error
                }
            }
        }
    }

    /// Sends a request; admin calls carry the admin key unless `adminKey` says otherwise.
    public func call(
        _ method: HTTPRequest.Method, _ uri: String, body: String? = nil, adminKey: String? = TestApp.adminKey,
        headers: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = headers
        if let adminKey, uri.hasPrefix("/admin/") { headers[.authorization] = "Bearer \(adminKey)" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
    }

    /// Creates a library through the admin API and returns its id and secret.
    public func createLibrary(_ body: String = #"{"name":"test"}"#) async throws -> (id: String, secret: String) {
        let reply = try await call(.post, "/admin/v1/libraries", body: body)
        guard reply.status == 201, let id = reply.json["libraryId"] as? String,
            let secret = reply.json["librarySecret"] as? String
        else {
            throw TestFailure("create library answered \(reply.status): \(reply.text)")
        }
        return (id, secret)
    }
}

extension TestApp {
    /// Issues a token with the given extra query (e.g. `grant=admin&space_id=x`) and returns the token string.
    public func token(_ library: (id: String, secret: String), _ query: String = "") async throws -> String {
        let reply = try await call(
            .get,
            "/api/v1/token?library_id=\(library.id)&library_secret=\(library.secret)"
                + (query.isEmpty ? "" : "&\(query)"))
        guard reply.status == 200, let token = reply.json["accessToken"] as? String else {
            throw TestFailure("token answered \(reply.status): \(reply.text)")
        }
        return token
    }

    /// A multi-tenant library with an admin token.
    public func multiTenantLibrary() async throws -> (id: String, secret: String, admin: String) {
        let library = try await createLibrary(#"{"name":"tenants","multiSpace":true}"#)
        return (library.id, library.secret, try await token(library, "grant=admin"))
    }

    public func createSpace(_ libraryId: String, token: String, query: String = "", body: String? = nil) async throws
        -> String
    {
        let reply = try await call(.post, "/api/v1/space/\(libraryId)?access_token=\(token)\(query)", body: body)
        guard reply.status == 201, let id = reply.json["spaceId"] as? String else {
            throw TestFailure("create space answered \(reply.status): \(reply.text)")
        }
        return id
    }

    /// Runs SQL against the store, for arranging states the API cannot reach quickly (an expired token).
    public func execute(_ sql: String) async throws {
        try await store.transaction { db in try await db.raw("\(unsafeRaw: sql)").run() }
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension TestApp {
    /// Whether the blob store holds bytes under this content address.
    public func hasBlob(_ sha256: String) async throws -> Bool {
        try await deps.blobs.contains(sha256: sha256)
    }

    /// What the staging area holds, whichever the store: the upload keys with staged parts, and the number of staged
    /// whole contents (simple and form uploads not yet confirmed).
    public func stagingArea() async throws -> (uploads: [String], contents: Int) {
        if let s3 = deps.blobs as? S3BlobStore {
            var uploads = Set<String>()
            var contents = 0
            for (area, collect) in [("uploads/", true), ("staging/", false)] {
                var next: String?
                repeat {
                    let page = try await s3.client.listObjects(
                        prefix: s3.client.location.prefix + area, continuation: next)
                    for object in page.objects {
                        let components = object.key.dropFirst(s3.client.location.prefix.count).split(separator: "/")
                        if collect { uploads.insert(String(components[1])) } else { contents += 1 }
                    }
                    next = page.next
                } while next != nil
            }
            return (uploads.sorted(), contents)
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory + "/staging")) ?? []
        return (
            entries.filter { $0.hasSuffix(".d") }.map { String($0.dropLast(2)) }.sorted(),
            entries.filter { !$0.hasSuffix(".d") }.count
        )
    }

    /// The parts staged for one multipart upload.
    public func stagedParts(_ confirmKey: String) async throws -> Int {
        if let s3 = deps.blobs as? S3BlobStore {
            return try await s3.client.listObjects(prefix: s3.client.location.prefix + "uploads/\(confirmKey)/").objects
                .count
        }
        let entries = try? FileManager.default.contentsOfDirectory(atPath: "\(dataDirectory)/staging/\(confirmKey).d")
        return entries?.count ?? 0
    }
}
