import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// What the HTTP tests send requests with: straight into the router, or over a socket (`LiveClient`). Hummingbird's
/// own protocol cannot be implemented outside it (its response has no public initializer), hence this one, with the
/// same `execute` call.
public protocol SMHTestClient: Sendable {
    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?)
        async throws -> SMHTestResponse
}

extension SMHTestClient {
    public func execute(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil
    ) async throws -> SMHTestResponse {
        try await executeRequest(uri: uri, method: method, headers: headers, body: body)
    }
}

public struct SMHTestResponse: Sendable {
    public let head: HTTPResponse
    public let body: ByteBuffer
    public var status: HTTPResponse.Status { head.status }
    public var headers: HTTPFields { head.headerFields }
}

/// Hummingbird's router-mode client.
struct RouterClient: SMHTestClient {
    let base: any TestClientProtocol

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?)
        async throws -> SMHTestResponse
    {
        let response = try await base.execute(uri: uri, method: method, headers: headers, body: body)
        return SMHTestResponse(head: response.head, body: response.body)
    }
}
