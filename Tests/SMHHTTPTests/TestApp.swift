import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SMHBlobLocal
import SMHCore
import SMHHTTP
import SMHStoreSQL
import SMHTestSupport

/// An answer of the server, with its JSON body parsed.
struct Reply {
    let status: Int
    let headers: HTTPFields
    let text: String

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    var code: String? { json["code"] as? String }

    func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
}

/// The server under test: the real router on a real store (SQLite file or PostgreSQL database) and blob folder.
struct TestApp {
    static let adminKey = "test-admin-key-0123456789"

    let client: any TestClientProtocol
    let store: SQLStore
    let dataDirectory: String

    static func with<T: Sendable>(_ body: @Sendable (TestApp) async throws -> T) async throws -> T {
        try await TestStore.with { store, directory async throws in
            let deps = AppDependencies(store: store, blobs: try LocalBlobStore(root: directory))
            let router = buildRouter(deps, settings: ServerSettings(adminKeyHash: SecretHash.hash(adminKey)))
            return try await Application(router: router).test(.router) { client in
                try await body(TestApp(client: client, store: store, dataDirectory: directory))
            }
        }
    }

    /// Sends a request; admin calls carry the admin key unless `adminKey` says otherwise.
    func call(
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
    func createLibrary(_ body: String = #"{"name":"test"}"#) async throws -> (id: String, secret: String) {
        let reply = try await call(.post, "/admin/v1/libraries", body: body)
        guard reply.status == 201, let id = reply.json["libraryId"] as? String,
            let secret = reply.json["librarySecret"] as? String
        else {
            throw TestFailure("create library answered \(reply.status): \(reply.text)")
        }
        return (id, secret)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
