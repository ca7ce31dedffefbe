import AsyncHTTPClient
import Foundation
import HTTPTypes
import SMHCore
import SMHTestSupport
import Testing

@testable import SMHBlobS3

/// `--s3-presigned-downloads`: the data plane sends clients to the bucket with a presigned URL that carries the name
/// and type this server would have sent. Needs an S3 server (CI's PostgreSQL + S3 pass).
@Suite(.enabled(if: TestBlobs.s3Endpoint != nil)) struct S3DownloadTests {
    @Test func presignedDownloadsRedirectToTheBucket() async throws {
        let presigned: @Sendable (String) async throws -> any BlobStore = { _ in
            S3BlobStore(client: try await TestBlobs.s3Client(endpoint: TestBlobs.s3Endpoint!), presignedDownloads: true)
        }
        try await TestApp.with(blobs: presigned) { app in
            let library = try await app.createLibrary()
            let f = UploadFixture(
                app: app, library: library, token: try await app.token(library, "grant=admin"))
            let bytes = Array("bytes kept in the bucket, fetched from it directly".utf8)
            #expect(try await f.upload("photo 1.txt", bytes).status == 200)
            let api = try await app.call(.get, "/api/v1/file/\(library.id)/-/photo%201.txt?access_token=\(f.token)")
            #expect(api.status == 302)
            let location = try #require(api.header("Location"))
            let dataPlane = try await app.call(.get, location.dataPlanePath)
            #expect(dataPlane.status == 302)
            let direct = try #require(dataPlane.header("Location"))
            #expect(direct.hasPrefix(TestBlobs.s3Endpoint! + "/smh-test/"))
            #expect(direct.contains("X-Amz-Signature="))
            #expect(
                direct.contains("response-content-disposition=inline%3B%20filename%2A%3DUTF-8%27%27photo%25201.txt"))
            #expect(dataPlane.header("Cache-Control") == "no-store")

            var request = HTTPClientRequest(url: direct)
            request.headers.add(name: "Range", value: "bytes=6-11")
            let response = try await S3Client.sharedHTTP.execute(request, timeout: .seconds(10))
            #expect(response.status.code == 206)
            #expect(String(buffer: try await response.body.collect(upTo: 1 << 20)) == "kept i")
        }
    }
}

extension String {
    /// The path and query of an absolute URL (`http://host/p?q` → `/p?q`).
    fileprivate var dataPlanePath: String {
        guard let scheme = range(of: "://") else { return self }
        let rest = self[scheme.upperBound...]
        return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
    }
}

/// S3 out of reach: the request that needed it answers SMH's error body with a 5xx; nothing crashes, nothing is kept.
@Suite struct S3UnreachableTests {
    @Test func uploadsAnswerACleanServerError() async throws {
        let unreachable: @Sendable (String) async throws -> any BlobStore = { _ in
            S3BlobStore(
                client: S3Client(
                    location: try S3Location(
                        blobStore: "s3://bucket", endpoint: "http://127.0.0.1:1", region: "us-east-1"),
                    credentials: S3Credentials(accessKeyId: "a", secretAccessKey: "b"), attempts: 1))
        }
        try await TestApp.with(blobs: unreachable) { app in
            let library = try await app.createLibrary()
            let f = UploadFixture(
                app: app, library: library, token: try await app.token(library, "grant=admin"))
            let begun = try await f.begin("a.txt")
            #expect(begun.status == 201, "metadata alone: no S3 call yet")
            let sent = try await f.send(begun, Array("hello".utf8))
            #expect(sent.status == 500)
            #expect(sent.code == "InternalServerError")
            #expect(try !sent.decoded(ErrorAnswer.self).requestId.isEmpty)
            #expect(try await f.confirm(begun).code == "UploadIncomplete", "no content was recorded")
        }
    }
}

/// `GET /ready` checks the database and the blob store; `/health` stays cheap.
@Suite struct ReadinessTests {
    @Test func readyWhenBothAnswer() async throws {
        try await TestApp.with { app in
            let ready = try await app.call(.get, "/ready")
            #expect(ready.status == 200)
            #expect(try ready.decoded(ReadinessAnswer.self).status == "ready")
        }
    }

    @Test func unavailableWhenTheBlobStoreIsOutOfReach() async throws {
        let unreachable: @Sendable (String) async throws -> any BlobStore = { _ in
            S3BlobStore(
                client: S3Client(
                    location: try S3Location(
                        blobStore: "s3://bucket", endpoint: "http://127.0.0.1:1", region: "us-east-1"),
                    credentials: S3Credentials(accessKeyId: "a", secretAccessKey: "b"), attempts: 1))
        }
        try await TestApp.with(blobs: unreachable) { app in
            let ready = try await app.call(.get, "/ready")
            #expect(ready.status == 503)
            #expect(try ready.decoded(ReadinessAnswer.self).status == "unavailable")
            #expect(try ready.decoded(ReadinessAnswer.self).reason?.hasPrefix("blob store") == true)
            #expect(try await app.call(.get, "/health").status == 200, "liveness does not depend on storage")
        }
    }

    /// On SQLite a closed store stands for a database gone (PostgreSQL's is a server the test cannot stop).
    @Test(.enabled(if: TestStore.postgresURL == nil)) func unavailableWhenTheDatabaseIsClosed() async throws {
        try await TestApp.with { app in
            await app.store.close()
            let ready = try await app.call(.get, "/ready")
            #expect(ready.status == 503)
            #expect(try ready.decoded(ReadinessAnswer.self).reason?.hasPrefix("database") == true)
        }
    }
}
