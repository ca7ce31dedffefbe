import NIOCore
import SMHCore
import SMHTestSupport
import Testing

@testable import SMHBlobS3

/// The client's operations against a real S3 wire-protocol server (moto in CI's S3 pass).
@Suite(.enabled(if: TestBlobs.s3Endpoint != nil)) struct S3ClientTests {
    @Test func multipartUploadListPartsAbortAndListing() async throws {
        let client = try await TestBlobs.s3Client(endpoint: TestBlobs.s3Endpoint!)
        let key = client.location.prefix + "big"
        let upload = try await client.createMultipartUpload(key: key)
        let first = ByteBuffer(repeating: 1, count: 5 << 20)
        let etag1 = try await client.uploadPart(key: key, uploadId: upload, number: 1, body: .bytes(first))
        let etag2 = try await client.uploadPart(
            key: key, uploadId: upload, number: 2, body: .bytes(ByteBuffer(string: "tail")))
        let parts = try await client.listParts(key: key, uploadId: upload)
        #expect(parts.map(\.number) == [1, 2])
        #expect(parts.map(\.size) == [5 << 20, 4])
        #expect(parts.map(\.etag) == [etag1, etag2])
        try await client.completeMultipartUpload(key: key, uploadId: upload, etags: [etag1, etag2])
        #expect(try await client.headObject(key: key) == (5 << 20) + 4)
        let tail = try #require(try await client.getObject(key: key, range: ByteRange(start: 5 << 20, length: 4)))
        #expect(tail.status.code == 206)
        #expect(String(buffer: try await tail.body.collect(upTo: 100)) == "tail")

        let abandoned = try await client.createMultipartUpload(key: client.location.prefix + "abandoned")
        _ = try await client.uploadPart(
            key: client.location.prefix + "abandoned", uploadId: abandoned, number: 1, body: .bytes(first))
        try await client.abortMultipartUpload(key: client.location.prefix + "abandoned", uploadId: abandoned)
        #expect(try await client.headObject(key: client.location.prefix + "abandoned") == nil)

        // Listing pages through a prefix; keys with characters that need encoding round-trip.
        for name in ["a b", "c+d", "é/f", "g%h"] {
            try await client.putObject(key: client.location.prefix + "list/" + name, bytes: ByteBuffer(string: name))
        }
        var keys: [String] = []
        var next: String?
        repeat {
            let page = try await client.listObjects(
                prefix: client.location.prefix + "list/", continuation: next, maxKeys: 2)
            keys += page.objects.map { String($0.key.dropFirst(client.location.prefix.count + 5)) }
            next = page.next
        } while next != nil
        #expect(keys.sorted() == ["a b", "c+d", "g%h", "é/f"])
        await client.deleteAll(prefix: client.location.prefix + "list/")
        #expect(try await client.listObjects(prefix: client.location.prefix + "list/").objects.isEmpty)
        try await client.deleteObject(key: key)
        try await client.deleteObject(key: key)  // deleting what is gone succeeds
    }

    @Test func copiesAndMissingObjects() async throws {
        let client = try await TestBlobs.s3Client(endpoint: TestBlobs.s3Endpoint!)
        let source = client.location.prefix + "source"
        try await client.putObject(key: source, bytes: ByteBuffer(string: "copied"))
        try await client.copyObject(from: source, to: client.location.prefix + "copy")
        let copy = try #require(try await client.getObject(key: client.location.prefix + "copy"))
        #expect(String(buffer: try await copy.body.collect(upTo: 100)) == "copied")
        #expect(try await client.getObject(key: client.location.prefix + "missing") == nil)
        #expect(try await client.headObject(key: client.location.prefix + "missing") == nil)
        await #expect {
            try await client.copyObject(from: client.location.prefix + "missing", to: client.location.prefix + "x")
        } throws: { error in
            (error as? S3Error)?.code == "NoSuchKey"
        }
    }
}
