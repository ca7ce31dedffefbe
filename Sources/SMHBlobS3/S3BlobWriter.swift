import Crypto
import NIOCore
import SMHCore

/// Streams one blob (or one part of a multipart upload) into a staging object, hashing it in the same pass.
///
/// Bytes gather in a buffer of `partSize`; each full buffer is hashed and sent as one part of an S3 multipart upload
/// (`drain`), so memory stays one part deep whatever the size. Content that ends within the first buffer — every
/// part of an SDK's 1 MiB multipart upload — is one plain PUT.
final class S3BlobWriter: BlobWriter {
    let client: S3Client
    let key: String
    let stagingName: String
    /// Parts of an SMH multipart upload need only their MD5 (their `ETag`); the whole is hashed when assembled.
    let part: Bool
    static let partSize = 8 << 20

    private var hasher = ContentHasher()
    private var partMD5 = Insecure.MD5()
    private var buffer = ByteBuffer()
    private var multipart: (uploadId: String, etags: [String])?
    private(set) var bytesWritten: Int64 = 0
    private var done = false

    init(client: S3Client, key: String, stagingName: String, part: Bool) {
        self.client = client
        self.key = key
        self.stagingName = stagingName
        self.part = part
        buffer.reserveCapacity(min(Self.partSize, 1 << 20))
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!done, "write after finish or abort")
        buffer.writeBytes(bytes)
        bytesWritten += Int64(bytes.count)
    }

    /// Sends full parts only while more bytes follow them: content of exactly one buffer stays a plain PUT.
    func drain() async throws {
        while buffer.readableBytes > Self.partSize {
            let chunk = buffer.readSlice(length: Self.partSize)!
            try await send(chunk)
            buffer.discardReadBytes()
        }
    }

    private func hash(_ chunk: ByteBuffer) {
        chunk.withUnsafeReadableBytes { bytes in
            if part { partMD5.update(bufferPointer: bytes) } else { hasher.updateConcurrently(bytes) }
        }
    }

    private func send(_ chunk: ByteBuffer) async throws {
        hash(chunk)
        if multipart == nil { multipart = (try await client.createMultipartUpload(key: key), []) }
        let etag = try await client.uploadPart(
            key: key, uploadId: multipart!.uploadId, number: multipart!.etags.count + 1, body: .bytes(chunk))
        multipart!.etags.append(etag)
    }

    func finish() async throws -> StagedBlob {
        precondition(!done, "finish after finish or abort")
        do {
            try await drain()  // leaves at most one buffer
            let rest = buffer
            buffer = ByteBuffer()
            if let current = multipart {
                if rest.readableBytes > 0 { try await send(rest) }
                try await client.completeMultipartUpload(key: key, uploadId: current.uploadId, etags: multipart!.etags)
                multipart = nil
            } else {
                hash(rest)
                try await client.putObject(key: key, bytes: rest)
            }
        } catch {
            await abort()
            throw SMHError.internalError(error)
        }
        done = true
        if part {
            let md5 = Array(partMD5.finalize()).hexString
            return StagedBlob(
                digest: ContentDigest(sha256: "", md5: md5, crc64: 0, size: bytesWritten), stagingKey: stagingName)
        }
        return StagedBlob(digest: hasher.finalize(), stagingKey: stagingName)
    }

    func abort() async {
        guard !done else { return }
        done = true
        buffer = ByteBuffer()
        if let multipart { try? await client.abortMultipartUpload(key: key, uploadId: multipart.uploadId) }
        multipart = nil
    }
}
