import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// A file library with an admin token, and the three steps of a simple upload (spec 20 F-01, F-04.2, F-07): the
/// fixture most HTTP tests start from.
public struct UploadFixture: Sendable {
    public let app: TestApp
    public let library: (id: String, secret: String)
    public let token: String

    public init(app: TestApp, library: (id: String, secret: String), token: String) {
        self.app = app
        self.library = library
        self.token = token
    }

    public func begin(_ path: String, _ query: String = "", token: String? = nil, headers: HTTPFields = [:])
        async throws
        -> Reply
    {
        try await app.call(
            .put, "/api/v1/file/\(library.id)/-/\(path)?access_token=\(token ?? self.token)\(query)",
            headers: headers)
    }

    public func send(_ begun: Reply, _ bytes: [UInt8], authorization: String? = nil) async throws -> Reply {
        let path = begun.json["path"] as? String ?? ""
        let auth = authorization ?? ((begun.json["headers"] as? [String: String])?["Authorization"] ?? "")
        let response = try await app.client.execute(
            uri: path, method: .put, headers: [.authorization: auth, .contentLength: String(bytes.count)],
            body: ByteBuffer(bytes: bytes))
        return Reply(
            status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
    }

    public func confirm(_ begun: Reply, _ query: String = "", body: String? = nil, token: String? = nil) async throws
        -> Reply
    {
        let key = begun.json["confirmKey"] as? String ?? "missing"
        return try await app.call(
            .post, "/api/v1/file/\(library.id)/-/\(key)?confirm&access_token=\(token ?? self.token)\(query)",
            body: body)
    }

    /// Begin, send, confirm.
    public func upload(_ path: String, _ bytes: [UInt8], _ query: String = "") async throws -> Reply {
        let begun = try await begin(path, query)
        guard begun.status == 201 else { return begun }
        _ = try await send(begun, bytes)
        return try await confirm(begun)
    }
}

extension UploadFixture {
    /// Runs `body` with a fresh file library (settings from `libraryBody`) and an admin token.
    public static func with(
        _ libraryBody: String = #"{"name":"files"}"#, _ body: @Sendable (UploadFixture) async throws -> Void
    )
        async throws
    {
        try await TestApp.with { app in
            let library = try await app.createLibrary(libraryBody)
            try await body(
                UploadFixture(app: app, library: library, token: try await app.token(library, "grant=admin")))
        }
    }
}
