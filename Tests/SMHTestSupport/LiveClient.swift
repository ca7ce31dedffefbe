import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SMHCore
import Synchronization

/// The client of `SMH_TEST_LIVE=1` runs: Hummingbird's test client over a real keep-alive connection, sending what
/// an HTTP client puts on the wire. The tests are written for the router, which takes any string as a target, so a
/// target's raw spaces, non-ASCII and other bytes a request line cannot carry are percent-encoded (as SDKs do) and the
/// server decodes them back to the same path. A connection the server closed (after an answer to a request its
/// HTTP parser refused) is replaced by a new one for the next request.
public final class LiveClient: SMHTestClient {
    public let port: Int?
    private let clients = Mutex<[TestClient]>([])
    /// Long enough for the largest transfers of a debug build on a busy machine.
    static let timeout = Duration.seconds(180)

    public init(port: Int) {
        self.port = port
    }

    public func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?)
        async throws -> SMHTestResponse
    {
        var headers = headers
        headers[.connection] = "keep-alive"
        let request = TestClient.Request(
            Self.wire(uri), method: method, authority: "localhost", headers: headers, body: body)
        let response = try await client().execute(request)
        return SMHTestResponse(head: response.head, body: response.body ?? ByteBuffer())
    }

    /// The open connection, or a new one when the server has closed it.
    private func client() async throws -> TestClient {
        if let current = clients.withLock({ $0.last }), try await current.channelPromise.futureResult.get().isActive {
            return current
        }
        let fresh = TestClient(host: "127.0.0.1", port: port ?? 0, configuration: .init(timeout: Self.timeout))
        fresh.connect()
        clients.withLock { $0.append(fresh) }
        return fresh
    }

    public func shutdown() async {
        for client in clients.withLock({ $0 }) { try? await client.shutdown() }
    }

    /// Percent-encodes what a request target cannot carry; `%` escapes already there are left alone.
    public static func wire(_ uri: String) -> String {
        var out = ""
        for byte in uri.utf8 {
            let raw = byte > 0x20 && byte < 0x7F && !"\"<>\\^`{|}".utf8.contains(byte)
            if raw {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + [byte].hexString.uppercased()
            }
        }
        return out
    }
}
