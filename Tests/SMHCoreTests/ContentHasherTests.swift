import Testing

@testable import SMHCore

/// The vectors of spec 20 §2.2: content whose byte at offset i is i mod 256.
@Suite struct ContentHasherTests {
    static func content(_ size: Int) -> [UInt8] { (0..<size).map { UInt8(truncatingIfNeeded: $0) } }

    @Test(arguments: [
        (
            1_048_576, "fbbab289f7f94b25736c58be46a994c441fd02552cc6022352e3d86d2fab7c83",
            "fbbab289f7f94b25736c58be46a994c441fd02552cc6022352e3d86d2fab7c83", "c35cc7d8d91728a0cb052831bc4ef372",
            UInt64(12_198_584_541_786_614_250)
        ),
        (
            2_097_152, "fbbab289f7f94b25736c58be46a994c441fd02552cc6022352e3d86d2fab7c83",
            "1265d50fb492427896c2dbd7250cca60f30440769b086cf7e74a540a2e514744", "db1f7d786f6e0317456fac1628349973",
            UInt64(5_365_644_779_456_185_847)
        ),
        (
            2_621_440, "fbbab289f7f94b25736c58be46a994c441fd02552cc6022352e3d86d2fab7c83",
            "92389183bfa175b31cffad45018aa7e19b8bae611a76b2f59ee31c0e08f08139", "6e7cc9c38d17742b0dca4b8f8932ec0f",
            UInt64(13_793_287_722_876_168_930)
        ),
    ])
    func specVectors(size: Int, beginning: String, full: String, md5: String, crc64: UInt64) {
        let bytes = Self.content(size)
        // Fed in uneven pieces: chunk boundaries must not depend on how the bytes arrive.
        for piece in [size, 65_536, 1_000_003] {
            var hasher = ContentHasher()
            var offset = 0
            while offset < size {
                let end = min(size, offset + piece)
                bytes[offset..<end].withUnsafeBytes { hasher.update($0) }
                offset = end
            }
            let digest = hasher.finalize()
            #expect(digest.beginningHash == beginning)
            #expect(digest.sha256 == full)
            #expect(digest.md5 == md5)
            #expect(digest.crc64 == crc64)
            #expect(digest.size == Int64(size))
        }
    }

    @Test func smallAndEmptyContentsHashPlainly() {
        var hasher = ContentHasher()
        #expect(
            hasher.finalize().sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "the empty content's address is SHA-256 of nothing")
        Array("abc".utf8).withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finalize().sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hasher.finalize().beginningHash == hasher.finalize().sha256)
    }

    /// The concurrent update (MD5 on one thread, the rest on another) gives exactly the digest of the plain one,
    /// whatever the buffer sizes and wherever they cut the 1 MiB chain.
    @Test(arguments: [1 << 20, 300 * 1024, 256 * 1024 - 1, 3 * (1 << 20) + 5])
    func concurrentUpdateEqualsPlainUpdate(bufferSize: Int) {
        var generator = SystemRandomNumberGenerator()
        let content = (0..<(3 * (1 << 20) + 12345)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var plain = ContentHasher()
        var concurrent = ContentHasher()
        content.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<min(offset + bufferSize, bytes.count)])
                plain.update(slice)
                concurrent.updateConcurrently(slice)
                offset += bufferSize
            }
        }
        #expect(concurrent.finalize() == plain.finalize())
        #expect(concurrent.finalize().size == Int64(content.count))
    }
}
