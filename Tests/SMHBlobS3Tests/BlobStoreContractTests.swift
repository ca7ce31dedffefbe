import Foundation
import SMHBlobLocal
import SMHTestSupport
import Testing

@testable import SMHBlobS3
@testable import SMHCore

/// What every blob store promises, held against the local folder and (when `SMH_TEST_S3_ENDPOINT` names a server,
/// as in CI's S3 pass) against an S3 bucket through the real wire protocol.
@Suite struct BlobStoreContractTests {
    static var backends: [String] { TestBlobs.s3Endpoint == nil ? ["file"] : ["file", "s3"] }

    func withStore(_ backend: String, _ body: (any BlobStore) async throws -> Void) async throws {
        try await withStores(backend) { blobs, _, _ in try await body(blobs) }
    }

    func withStores(
        _ backend: String, _ body: (any BlobStore, any RenditionStore, _ scratch: String) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let scratch = LocalRenditionStore(root: directory)
        try scratch.prepare()
        if backend == "s3", let endpoint = TestBlobs.s3Endpoint {
            let client = try await TestBlobs.s3Client(endpoint: endpoint)
            try await body(S3BlobStore(client: client), S3RenditionStore(client: client), scratch.temporaryDirectory)
        } else {
            try await body(try LocalBlobStore(root: directory), scratch, scratch.temporaryDirectory)
        }
    }

    static func pattern(_ count: Int, seed: Int = 0) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: (($0 &+ seed) &* 2_654_435_761) >> 7) }
    }

    func write(_ bytes: [UInt8], into writer: any BlobWriter, chunks: [Int]) async throws -> StagedBlob {
        var offset = 0
        var index = 0
        while offset < bytes.count {
            let size = min(chunks[index % chunks.count], bytes.count - offset)
            try bytes[offset..<offset + size].withUnsafeBytes { try writer.write($0) }
            try await writer.drain()
            offset += size
            index += 1
        }
        return try await writer.finish()
    }

    func readAll(_ reader: any BlobReader, chunk: Int = 65_536) async throws -> [UInt8] {
        defer { reader.close() }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            try await reader.fill()
            let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            if count == 0 { break }
            out += buffer[..<count]
        }
        return out
    }

    @Test(arguments: backends) func roundTripDigestsAndRanges(backend: String) async throws {
        try await withStore(backend) { store in
            // Over S3's buffer of 8 MiB: sent as a multipart staging object, in uneven network-sized chunks.
            let bytes = Self.pattern(9 * 1_048_576 + 12_345)
            let staged = try await write(bytes, into: try await store.makeWriter(), chunks: [1, 4095, 65_536, 300_001])
            #expect(staged.digest.size == Int64(bytes.count))
            var reference = ContentHasher()
            bytes.withUnsafeBytes { reference.update($0) }
            #expect(staged.digest == reference.finalize())
            #expect(try await !store.contains(sha256: staged.digest.sha256), "not visible before commit")
            try await store.makeDurable(staged)
            try await store.commit(staged)
            #expect(try await store.contains(sha256: staged.digest.sha256))
            let sha = staged.digest.sha256
            #expect(try await readAll(store.open(sha256: sha, range: nil)) == bytes)
            let middle = try await readAll(store.open(sha256: sha, range: ByteRange(start: 8_388_000, length: 70_000)))
            #expect(middle == Array(bytes[8_388_000..<8_458_000]))
            let last = try await store.open(sha256: sha, range: ByteRange(start: Int64(bytes.count - 1), length: 1))
            #expect(last.length == 1)
            #expect(try await readAll(last) == [bytes.last!])
            #expect(try await readAll(store.open(sha256: sha, range: ByteRange(start: 5, length: 0))).isEmpty)

            let files = try await store.localFiles(of: sha, scratch: NSTemporaryDirectory())
            let joined = try files.paths.reduce(into: [UInt8]()) {
                $0 += try Data(contentsOf: URL(fileURLWithPath: $1))
            }
            #expect(joined == bytes)
            if files.temporary { for path in files.paths { try FileManager.default.removeItem(atPath: path) } }

            var listed: [String] = []
            try await store.forEachStoredAddress(batchSize: 500) { listed += $0.map(\.address) }
            #expect(listed == [sha])
            try await store.remove(sha256: sha)
            #expect(try await !store.contains(sha256: sha))
            await #expect(throws: SMHError.self) { try await store.open(sha256: sha, range: nil) }
        }
    }

    @Test(arguments: backends) func sameContentTwiceIsStoredOnceAndEmptyContentWorks(backend: String) async throws {
        try await withStore(backend) { store in
            var digests: [ContentDigest] = []
            for _ in 0..<2 {
                let staged = try await write(Array("hello".utf8), into: try await store.makeWriter(), chunks: [2])
                try await store.commit(staged)
                try await store.commit(staged)  // idempotent
                digests.append(staged.digest)
            }
            #expect(digests[0] == digests[1])
            #expect(try await readAll(store.open(sha256: digests[0].sha256, range: nil)) == Array("hello".utf8))
            let empty = try await write([], into: try await store.makeWriter(), chunks: [1])
            try await store.commit(empty)
            #expect(empty.digest.size == 0)
            #expect(try await readAll(store.open(sha256: empty.digest.sha256, range: nil)).isEmpty)
        }
    }

    @Test(arguments: backends) func discardedAndAbortedBytesAreNeverVisible(backend: String) async throws {
        try await withStore(backend) { store in
            let writer = try await store.makeWriter()
            let bytes = Self.pattern(9 * 1_048_576)
            try bytes.withUnsafeBytes { try writer.write($0) }
            try await writer.drain()
            await writer.abort()
            let staged = try await write(Self.pattern(1000, seed: 7), into: try await store.makeWriter(), chunks: [100])
            await store.discard(staged)
            await #expect(throws: (any Error).self) { try await store.commit(staged) }
            #expect(try await !store.contains(sha256: staged.digest.sha256))
            var listed = 0
            try await store.forEachStoredAddress(batchSize: 10) { listed += $0.count }
            #expect(listed == 0)
        }
    }

    /// SDK-sized parts (1 MiB, under S3's 5 MiB minimum), larger ones (copied server-side), a replaced part and a
    /// small last one: one blob with the bytes in order.
    @Test(arguments: backends) func partsBecomeOneBlob(backend: String) async throws {
        try await withStore(backend) { store in
            let mib = 1_048_576
            let sizes = [mib, mib, 6 * mib, mib, mib, mib, mib, mib, mib, 123]
            var parts: [StagedPart] = []
            var whole: [UInt8] = []
            let upload = "u" + RandomToken.alphanumeric(count: 20).lowercased()
            for (index, size) in sizes.enumerated() {
                let bytes = Self.pattern(size, seed: index)
                if index == 3 {
                    // A part sent twice: the first copy is replaced and discarded.
                    let first = try await write(
                        Self.pattern(size, seed: 99), into: try await store.makePartWriter(upload: upload),
                        chunks: [mib])
                    await store.discardPart(upload: upload, stagingKey: first.stagingKey)
                }
                let staged = try await write(
                    bytes, into: try await store.makePartWriter(upload: upload), chunks: [65_536])
                var md5 = ContentHasher()
                bytes.withUnsafeBytes { md5.update($0) }
                #expect(staged.digest.md5 == md5.finalize().md5, "a part's ETag is its MD5")
                store.writeBackPart(upload: upload, stagingKey: staged.stagingKey)
                parts.append(
                    StagedPart(
                        number: index + 1, stagingKey: staged.stagingKey, size: Int64(size), md5: staged.digest.md5,
                        receivedAt: Timestamp(milliseconds: 0)))
                whole += bytes
            }
            let reread = try await readAll(store.openPart(upload: upload, stagingKey: parts[2].stagingKey))
            #expect(reread == Self.pattern(6 * mib, seed: 2))
            let digest = try await PartDigests().digest(upload, parts: parts, blobs: store)
            var reference = ContentHasher()
            whole.withUnsafeBytes { reference.update($0) }
            #expect(digest == reference.finalize())
            try await store.commitParts(upload: upload, parts: parts, address: digest.sha256)
            try await store.commitParts(upload: upload, parts: parts, address: digest.sha256)  // idempotent
            #expect(try await readAll(store.open(sha256: digest.sha256, range: nil)) == whole)
            let across = try await readAll(
                store.open(sha256: digest.sha256, range: ByteRange(start: Int64(mib) - 10, length: Int64(7 * mib))))
            #expect(across == Array(whole[(mib - 10)..<(8 * mib - 10)]))
            await #expect(throws: (any Error).self) {
                try await store.openPart(upload: upload, stagingKey: parts[0].stagingKey)
            }
        }
    }

    @Test(arguments: backends) func abortedUploadLeavesNoParts(backend: String) async throws {
        try await withStore(backend) { store in
            let upload = "u" + RandomToken.alphanumeric(count: 20).lowercased()
            let staged = try await write(
                Self.pattern(5000), into: try await store.makePartWriter(upload: upload), chunks: [1000])
            await store.discardUpload(upload: upload)
            await #expect(throws: (any Error).self) {
                try await store.openPart(upload: upload, stagingKey: staged.stagingKey)
            }
        }
    }

    @Test(arguments: backends) func refusesWhatIsNotAnAddress(backend: String) async throws {
        try await withStore(backend) { store in
            await #expect(throws: SMHError.self) { try await store.open(sha256: "../../etc/passwd", range: nil) }
            let notAnAddress = try await store.contains(sha256: "ABC")
            #expect(!notAnAddress)
            await #expect(throws: SMHError.self) { try await store.makePartWriter(upload: "../x") }
            await #expect(throws: SMHError.self) { try await store.openPart(upload: "up", stagingKey: "../../x") }
        }
    }

    /// Renditions live and die with their content, and are found by any instance sharing the store.
    @Test(arguments: backends) func renditionsGoWithTheirBlob(backend: String) async throws {
        try await withStores(backend) { blobs, renditions, scratch in
            let staged = try await write(Array("picture bytes".utf8), into: try await blobs.makeWriter(), chunks: [5])
            try await blobs.commit(staged)
            let sha = staged.digest.sha256
            let temporary = scratch + "/made.jpg"
            #expect(FileManager.default.createFile(atPath: temporary, contents: Data("thumb".utf8)))
            let stored = try await renditions.publish(file: temporary, sha256: sha, key: "s64", format: .jpeg)
            #expect(stored.size == 5 && stored.format == .jpeg)
            #expect(!FileManager.default.fileExists(atPath: temporary), "the made file is consumed")
            #expect(await renditions.find(sha256: sha, key: "s64") == stored)
            #expect(await renditions.find(sha256: sha, key: "s6") == nil)
            #expect(await renditions.find(sha256: sha, key: "../x") == nil)
            #expect(try await readAll(renditions.open(stored)) == Array("thumb".utf8))
            let local = try await renditions.localFile(of: stored, scratch: scratch)
            #expect(FileManager.default.contents(atPath: local.paths[0]) == Data("thumb".utf8))
            #expect(try await renditions.owners() == [sha])
            try await blobs.remove(sha256: sha)
            #expect(await renditions.find(sha256: sha, key: "s64") == nil, "the blob's removal takes its renditions")
            #expect(try await renditions.owners().isEmpty)
        }
    }
}
