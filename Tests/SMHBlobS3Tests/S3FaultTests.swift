import NIOCore
import SMHCore
import Testing

@testable import SMHBlobS3

/// What the client and the store do when S3 misbehaves: retries where the request can be sent again, clear errors
/// otherwise, and never a partial blob.
@Suite struct S3FaultTests {
    func client(port: Int, attempts: Int = 3) throws -> S3Client {
        S3Client(
            location: try S3Location(
                blobStore: "s3://bucket/p", endpoint: "http://127.0.0.1:\(port)", region: "us-east-1"),
            credentials: S3Credentials(accessKeyId: "AKID", secretAccessKey: "secret"), attempts: attempts,
            backoff: .milliseconds(1))
    }

    static let slowDown = "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>"
    static let internalError =
        "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>"

    @Test func serverErrorsAreRetriedThenAnswered() async throws {
        let server = try await FaultyServer { number, _, _ in
            number < 3 ? .status(503, body: Self.slowDown) : .status(404)
        }
        defer { Task { try? await server.close() } }
        let size = try await client(port: server.port).headObject(key: "p/k")
        #expect(size == nil, "404 after two 503s: the object does not exist")
        #expect(server.requests.count == 3)
        #expect(server.requests.allSatisfy { $0 == "HEAD /bucket/p/k" })
    }

    @Test func persistentErrorsBecomeAnS3ErrorWithTheCode() async throws {
        let server = try await FaultyServer { _, _, _ in .status(500, body: Self.internalError) }
        defer { Task { try? await server.close() } }
        await #expect {
            try await client(port: server.port).putObject(key: "p/k", bytes: ByteBuffer(string: "x"))
        } throws: { error in
            let s3 = error as? S3Error
            return s3?.status == 500 && s3?.code == "InternalError" && s3?.operation == "PutObject"
        }
        #expect(server.requests.count == 3, "three attempts, then the error")
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let denied = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
        let server = try await FaultyServer { _, _, _ in .status(403, body: denied) }
        defer { Task { try? await server.close() } }
        await #expect {
            try await client(port: server.port).ensureBucket()
        } throws: { error in
            (error as? S3Error)?.isAuthenticationFailure == true
        }
        #expect(server.requests.count == 1)
    }

    @Test func droppedConnectionsAreRetried() async throws {
        let server = try await FaultyServer { number, _, _ in number == 1 ? .hangUp : .status(200) }
        defer { Task { try? await server.close() } }
        try await client(port: server.port).deleteObject(key: "p/k")
        #expect(server.requests.count == 2)
    }

    @Test func unreachableEndpointFailsClearly() async throws {
        let server = try await FaultyServer { _, _, _ in .status(200) }
        let port = server.port
        try await server.close()
        await #expect {
            try await client(port: port, attempts: 2).headObject(key: "p/k")
        } throws: { error in
            (error as? S3Error)?.status == 0 && (error as? S3Error)?.code == "ConnectionFailed"
        }
    }

    @Test func aStreamCutShortIsAnErrorNotAShortBlob() async throws {
        let server = try await FaultyServer { _, _, _ in .truncated(announced: 100_000, sent: 10_000) }
        defer { Task { try? await server.close() } }
        let store = S3BlobStore(client: try client(port: server.port))
        let reader = try await store.open(sha256: String(repeating: "a", count: 64), range: nil)
        #expect(reader.length == 100_000)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var total = 0
        await #expect(throws: SMHError.self) {
            while true {
                try await reader.fill()
                let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                if count == 0 { break }
                total += count
            }
        }
        #expect(total <= 10_000)
    }

    @Test func aFailedStagingWriteLeavesNothingAndSaysWhy() async throws {
        // The multipart staging object gets its parts refused: the writer aborts the S3 upload.
        let server = try await FaultyServer { _, method, uri in
            if method == "POST" && uri.hasSuffix("?uploads=") {
                return .status(
                    200,
                    body: "<InitiateMultipartUploadResult><UploadId>up1</UploadId></InitiateMultipartUploadResult>")
            }
            if method == "PUT" { return .status(500, body: Self.internalError) }
            return .status(204)
        }
        defer { Task { try? await server.close() } }
        let store = S3BlobStore(client: try client(port: server.port, attempts: 1))
        let writer = try await store.makeWriter()
        let bytes = [UInt8](repeating: 1, count: 9 << 20)
        try bytes.withUnsafeBytes { try writer.write($0) }
        await #expect(throws: (any Error).self) { try await writer.drain() }
        await writer.abort()
        #expect(server.requests.last?.hasPrefix("DELETE ") == true, "the multipart upload is aborted")
        #expect(server.requests.last?.contains("uploadId=up1") == true)
    }
}
