import AsyncHTTPClient
import Foundation
import NIOCore
import SMHCore

/// Blobs as objects in an S3-compatible bucket, addressed by their content hash: `PREFIX/blobs/ab/cd/abcd…`.
///
/// Bytes are staged as objects of their own (`PREFIX/staging/<key>` for a whole upload, `PREFIX/uploads/<upload>/
/// <key>` for each part of a multipart one) and become a blob by a server-side copy inside the confirm's
/// transaction (after the blob row is retained, so the collector cannot remove the address meanwhile). Parts are
/// composed with an S3 multipart upload: runs of parts under S3's 5 MiB minimum are streamed through this process
/// into one S3 part, larger parts are copied by S3 itself (`UploadPartCopy`). Every instance sees the same bytes, and
/// an instance's disk holds none of them.
public struct S3BlobStore: BlobStore {
    public let client: S3Client

    /// S3's smallest part (but the last) and its largest single copy.
    static let minimumPartSize: Int64 = 5 << 20
    static let maximumCopySize: Int64 = 5 << 30

    /// Downloads answered with a `302` to a presigned URL of the bucket instead of streamed through this server.
    public let presignedDownloads: Bool

    public init(client: S3Client, presignedDownloads: Bool = false) {
        self.client = client
        self.presignedDownloads = presignedDownloads
    }

    /// S3 answers with the name and type this server would have sent (`response-content-*`, signed with the URL).
    public func directDownloadURL(
        sha256: String, seconds: Int, fileName: String, contentType: String, attachment: Bool
    ) -> String? {
        guard presignedDownloads, let key = try? blobKey(sha256) else { return nil }
        let disposition =
            (attachment ? "attachment" : "inline") + "; filename*=UTF-8''" + SigV4.encode(fileName, slash: true)
        return client.presignedGetURL(
            key: key, expires: max(1, min(seconds, 604_800)),
            query: [("response-content-disposition", disposition), ("response-content-type", contentType)])
    }

    public var displayLocation: String { client.location.display }

    // MARK: Keys

    func blobKey(_ sha256: String) throws(SMHError) -> String {
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ Self.isLowerHex($0) }) else {
            throw SMHError(.paramInvalid, "Not a SHA-256 content address.")
        }
        return "\(client.location.prefix)blobs/\(sha256.prefix(2))/\(sha256.dropFirst(2).prefix(2))/\(sha256)"
    }

    func stagingKey(_ name: String) throws(SMHError) -> String {
        "\(client.location.prefix)staging/\(try Self.checked(name))"
    }

    func uploadPrefix(_ upload: String) throws(SMHError) -> String {
        "\(client.location.prefix)uploads/\(try Self.checked(upload))/"
    }

    func partKey(upload: String, stagingKey: String) throws(SMHError) -> String {
        try uploadPrefix(upload) + Self.checked(stagingKey)
    }

    static func checked(_ name: String) throws(SMHError) -> String {
        guard !name.isEmpty, name.utf8.count <= 64,
            name.utf8.allSatisfy({ isLowerHex($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) })
        else {
            throw SMHError(.paramInvalid, "Not a staging key.")
        }
        return name
    }

    static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    // MARK: Whole blobs

    public func makeWriter() throws -> any BlobWriter {
        let name = RandomToken.alphanumeric(count: 24).lowercased()
        return S3BlobWriter(client: client, key: try stagingKey(name), stagingName: name, part: false)
    }

    /// A staged object is durable once its PUT (or its multipart completion) answered.
    public func makeDurable(_ staged: StagedBlob) {}
    public func writeBack(_ staged: StagedBlob) {}
    public func writeBackPart(upload: String, stagingKey: String) {}

    public func commit(_ staged: StagedBlob) async throws {
        let source = try stagingKey(staged.stagingKey)
        let destination = try blobKey(staged.digest.sha256)
        if try await client.headObject(key: destination) == nil {
            try await copy(from: source, to: destination, size: staged.digest.size)
        }
        try? await client.deleteObject(key: source)
    }

    public func discard(_ staged: StagedBlob) async {
        guard let key = try? stagingKey(staged.stagingKey) else { return }
        try? await client.deleteObject(key: key)
    }

    public func open(sha256: String, range: ByteRange?) async throws -> any BlobReader {
        try await S3BlobReader.open(client: client, key: try blobKey(sha256), range: range)
    }

    public func contains(sha256: String) async throws -> Bool {
        guard let key = try? blobKey(sha256) else { return false }
        return try await client.headObject(key: key) != nil
    }

    public func remove(sha256: String) async throws {
        try await client.deleteObject(key: try blobKey(sha256))
        // Renditions are derived from the content: they go with it.
        await S3RenditionStore(client: client).removeAll(of: sha256)
    }

    /// The whole blob copied into `scratch`: the engines read files. The caller removes the copy.
    public func localFiles(of sha256: String, scratch: String) async throws -> LocalBlobFiles {
        let path = "\(scratch)/\(RandomToken.alphanumeric(count: 16)).blob"
        try await S3Download.toFile(try await open(sha256: sha256, range: nil), path: path)
        return LocalBlobFiles(paths: [path], temporary: true)
    }

    public func forEachStoredAddress(
        batchSize: Int = 500, _ body: ([(address: String, modifiedSeconds: Int64)]) async throws -> Void
    ) async throws {
        let prefix = client.location.prefix + "blobs/"
        var continuation: String?
        repeat {
            let page = try await client.listObjects(
                prefix: prefix, continuation: continuation, maxKeys: min(1000, max(1, batchSize)))
            let batch = page.objects.compactMap { object -> (address: String, modifiedSeconds: Int64)? in
                let name = String(object.key.split(separator: "/").last ?? "")
                guard name.utf8.count == 64, name.utf8.allSatisfy({ Self.isLowerHex($0) }) else { return nil }
                return (name, object.modifiedSeconds)
            }
            if !batch.isEmpty { try await body(batch) }
            continuation = page.next
        } while continuation != nil
    }

    // MARK: Multipart uploads

    public func makePartWriter(upload: String) throws -> any BlobWriter {
        let name = RandomToken.alphanumeric(count: 24).lowercased()
        return S3BlobWriter(
            client: client, key: try partKey(upload: upload, stagingKey: name), stagingName: name, part: true)
    }

    public func openPart(upload: String, stagingKey: String) async throws -> any BlobReader {
        try await S3BlobReader.open(
            client: client, key: try partKey(upload: upload, stagingKey: stagingKey), range: nil)
    }

    public func discardPart(upload: String, stagingKey: String) async {
        guard let key = try? partKey(upload: upload, stagingKey: stagingKey) else { return }
        try? await client.deleteObject(key: key)
    }

    public func discardUpload(upload: String) async {
        guard let prefix = try? uploadPrefix(upload) else { return }
        await client.deleteAll(prefix: prefix)
    }

    public func commitParts(upload: String, parts: [StagedPart], address: String) async throws {
        let destination = try blobKey(address)
        if try await client.headObject(key: destination) == nil {
            let keys = try parts.map { try partKey(upload: upload, stagingKey: $0.stagingKey) }
            try await compose(parts.map(\.size), keys: keys, into: destination)
        }
        await discardUpload(upload: upload)
    }

    /// Groups of consecutive parts, each at least S3's minimum part size but the last.
    static func groups(of sizes: [Int64]) -> [Range<Int>] {
        var groups: [Range<Int>] = []
        var start = 0
        var total: Int64 = 0
        for (index, size) in sizes.enumerated() {
            total += size
            if total >= minimumPartSize {
                groups.append(start..<(index + 1))
                start = index + 1
                total = 0
            }
        }
        if start < sizes.count {
            // The rest is under the minimum: it may stand as the last S3 part, or joins the group before it.
            if groups.isEmpty {
                groups.append(start..<sizes.count)
            } else {
                let last = groups.removeLast()
                groups.append(last.lowerBound..<sizes.count)
            }
        }
        return groups
    }

    /// Objects `keys` (of `sizes`) joined, in order, into `destination`.
    func compose(_ sizes: [Int64], keys: [String], into destination: String) async throws {
        if keys.count == 1 {
            return try await copy(from: keys[0], to: destination, size: sizes[0])
        }
        let uploadId = try await client.createMultipartUpload(key: destination)
        do {
            // A few S3 parts at once: copies are S3's work, streamed runs are bounded by the buffer of each.
            let groups = Self.groups(of: sizes)
            var etags = [String](repeating: "", count: groups.count)
            try await withThrowingTaskGroup(of: (Int, String).self) { tasks in
                var next = 0
                func start() {
                    guard next < groups.count else { return }
                    let (number, group) = (next, groups[next])
                    next += 1
                    tasks.addTask {
                        (number, try await sendGroup(group, number: number + 1, sizes, keys, destination, uploadId))
                    }
                }
                for _ in 0..<Self.concurrentParts { start() }
                while let (number, etag) = try await tasks.next() {
                    etags[number] = etag
                    start()
                }
            }
            try await client.completeMultipartUpload(key: destination, uploadId: uploadId, etags: etags)
        } catch {
            try? await client.abortMultipartUpload(key: destination, uploadId: uploadId)
            throw error
        }
    }

    static let concurrentParts = 4

    /// One S3 part of a composition: a server-side copy of a lone part, or a run of small parts streamed through.
    func sendGroup(
        _ group: Range<Int>, number: Int, _ sizes: [Int64], _ keys: [String], _ destination: String, _ uploadId: String
    ) async throws -> String {
        let length = sizes[group].reduce(0, +)
        if group.count == 1, length <= Self.maximumCopySize {
            return try await client.uploadPartCopy(
                key: destination, uploadId: uploadId, number: number, source: keys[group.lowerBound])
        }
        let body = HTTPClientRequest.Body.stream(
            ConcatenatedObjects(client: client, keys: Array(keys[group])), length: .known(length))
        return try await client.uploadPart(key: destination, uploadId: uploadId, number: number, body: .stream(body))
    }

    /// A server-side copy; above S3's 5 GiB limit for one copy, a multipart copy by ranges.
    func copy(from source: String, to destination: String, size: Int64) async throws {
        guard size > Self.maximumCopySize else {
            return try await client.copyObject(from: source, to: destination)
        }
        let uploadId = try await client.createMultipartUpload(key: destination)
        do {
            var etags: [String] = []
            let step: Int64 = 1 << 30
            var start: Int64 = 0
            while start < size {
                let range = ByteRange(start: start, length: min(step, size - start))
                etags.append(
                    try await client.uploadPartCopy(
                        key: destination, uploadId: uploadId, number: etags.count + 1, source: source, range: range))
                start += step
            }
            try await client.completeMultipartUpload(key: destination, uploadId: uploadId, etags: etags)
        } catch {
            try? await client.abortMultipartUpload(key: destination, uploadId: uploadId)
            throw error
        }
    }
}

/// The bodies of several objects, one after the other, read as they are sent (memory stays one buffer deep).
struct ConcatenatedObjects: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let client: S3Client
    let keys: [String]

    struct AsyncIterator: AsyncIteratorProtocol {
        let client: S3Client
        var keys: ArraySlice<String>
        var current: HTTPClientResponse.Body.AsyncIterator?

        mutating func next() async throws -> ByteBuffer? {
            while true {
                if current != nil, let buffer = try await current!.next() { return buffer }
                guard let key = keys.popFirst() else { return nil }
                guard let response = try await client.getObject(key: key) else {
                    throw S3Error(
                        status: 404, code: "NoSuchKey", message: "a part is missing", operation: "GetObject",
                        key: key)
                }
                current = response.body.makeAsyncIterator()
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(client: client, keys: keys[...], current: nil)
    }
}
