import Crypto
import Dispatch

/// Everything SMH reports about a blob's bytes, computed in one streaming pass: MD5 (the eTag), CRC-64, and the
/// chained SHA-256 of spec 20 §2.2 (`beginningHash` of the first MiB, `fullHash` of the whole).
///
/// The chained hash is also the content address: it is as collision-resistant as SHA-256, equals the plain SHA-256
/// of contents up to 1 MiB, and lets instant upload find a blob by its primary key. One SHA-256 pass, not two.
public struct ContentHasher: Sendable {
    public static let chunkSize = 1 << 20

    private var md5 = Insecure.MD5()
    private var crc = CRC64()
    private var chunk = SHA256()
    private var chunkFill = 0
    private var chunkIndex = 0
    private var previous: SHA256.Digest?
    private var beginning: String?
    public private(set) var size: Int64 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        md5.update(bufferPointer: bytes)
        updateChainAndCRC(bytes)
    }

    /// `update` with MD5 on one thread and the chained SHA-256 and CRC-64 on another: the same result in about half
    /// the time, for large buffers of work that is waited for (a multipart confirm folds the parts left).
    public mutating func updateConcurrently(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 256 * 1024 else { return update(bytes) }
        var md5 = self.md5
        var rest = self
        withUnsafeMutablePointer(to: &md5) { md5Pointer in
            withUnsafeMutablePointer(to: &rest) { restPointer in
                let shared = SharedHashing(md5: md5Pointer, rest: restPointer, bytes: bytes)
                // Each iteration touches only its own state; the call returns when both are done.
                DispatchQueue.concurrentPerform(iterations: 2) { index in
                    if index == 0 {
                        shared.md5.pointee.update(bufferPointer: shared.bytes)
                    } else {
                        shared.rest.pointee.updateChainAndCRC(shared.bytes)
                    }
                }
            }
        }
        rest.md5 = md5
        self = rest
    }

    private mutating func updateChainAndCRC(_ bytes: UnsafeRawBufferPointer) {
        crc.update(bytes)
        size += Int64(bytes.count)
        var offset = 0
        while offset < bytes.count {
            if chunkFill == Self.chunkSize { closeChunk() }
            if chunkFill == 0, let previous {
                previous.withUnsafeBytes { chunk.update(bufferPointer: $0) }
            }
            let take = min(Self.chunkSize - chunkFill, bytes.count - offset)
            chunk.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
            chunkFill += take
            offset += take
        }
    }

    /// Ends the current chunk; the next byte opens another, seeded with this one's digest.
    private mutating func closeChunk() {
        let digest = chunk.finalize()
        if chunkIndex == 0 { beginning = Array(digest).hexString }
        previous = digest
        chunk = SHA256()
        chunkFill = 0
        chunkIndex += 1
    }

    public func finalize() -> ContentDigest {
        var copy = self
        if copy.chunkFill > 0 || copy.chunkIndex == 0 { copy.closeChunk() }
        let full = Array(copy.previous!).hexString
        return ContentDigest(
            sha256: full, md5: Array(copy.md5.finalize()).hexString, crc64: copy.crc.value, size: size,
            beginningHash: copy.beginning ?? full)
    }
}

/// The two halves of a concurrent update, each used by one thread while the caller waits.
private struct SharedHashing: @unchecked Sendable {
    let md5: UnsafeMutablePointer<Insecure.MD5>
    let rest: UnsafeMutablePointer<ContentHasher>
    let bytes: UnsafeRawBufferPointer
}
