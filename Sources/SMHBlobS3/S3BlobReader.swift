import AsyncHTTPClient
import NIOCore
import SMHCore

/// Streams an object, or a range of it, from one GET as the consumer takes it.
final class S3BlobReader: BlobReader {
    let length: Int64
    private var iterator: HTTPClientResponse.Body.AsyncIterator?
    private var current = ByteBuffer()
    private var received: Int64 = 0
    private let key: String

    private init(length: Int64, iterator: HTTPClientResponse.Body.AsyncIterator?, key: String) {
        self.length = length
        self.iterator = iterator
        self.key = key
    }

    /// Missing objects are `fileNotFound`; a range past the end is the caller's error (it checked the size).
    static func open(client: S3Client, key: String, range: ByteRange?) async throws -> S3BlobReader {
        if let range, range.length == 0 { return S3BlobReader(length: 0, iterator: nil, key: key) }
        let response: HTTPClientResponse?
        do {
            response = try await client.getObject(key: key, range: range)
        } catch {
            throw SMHError.internalError(error)
        }
        guard let response else { throw SMHError(.fileNotFound, "The content of this file no longer exists.") }
        let length =
            range?.length ?? response.headers.first(name: "content-length").flatMap { Int64($0) } ?? 0
        return S3BlobReader(length: length, iterator: response.body.makeAsyncIterator(), key: key)
    }

    func fill() async throws {
        while current.readableBytes == 0, iterator != nil {
            let next: ByteBuffer?
            do {
                next = try await iterator!.next()
            } catch {
                throw SMHError.internalError(
                    S3Error(status: 0, code: "StreamBroken", message: "\(error)", operation: "GetObject", key: key))
            }
            guard let next else {
                iterator = nil
                guard received == length else {
                    throw SMHError.internalError(
                        S3Error(
                            status: 0, code: "ShortBody", message: "\(received) of \(length) bytes",
                            operation: "GetObject", key: key))
                }
                return
            }
            received += Int64(next.readableBytes)
            current = next
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, current.readableBytes)
        guard count > 0 else { return 0 }
        current.withUnsafeReadableBytes { bytes in
            buffer.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: count)
        }
        current.moveReaderIndex(forwardBy: count)
        return count
    }

    func close() {
        iterator = nil
        current = ByteBuffer()
    }
}
