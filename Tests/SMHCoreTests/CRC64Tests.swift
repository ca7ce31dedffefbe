import Testing

@testable import SMHCore

@Suite struct CRC64Tests {
    @Test func checkVectorOfCRC64XZ() {
        #expect(CRC64.checksum(Array("123456789".utf8)) == 11_051_210_869_376_104_954)
    }

    @Test func emptyContentIsZero() {
        #expect(CRC64.checksum([UInt8]()) == 0)
    }

    /// Values computed with an independent bitwise CRC-64/XZ (Python, the ECMA-182 reflected polynomial).
    @Test(arguments: [
        ("a", UInt64(0x3302_8477_2e65_2b05)),
        ("The quick brown fox jumps over the lazy dog", UInt64(0x5b5e_b8c2_e54a_a1c4)),
    ])
    func knownStrings(text: String, expected: UInt64) {
        #expect(CRC64.checksum(Array(text.utf8)) == expected)
    }

    /// Slicing-by-8 must agree with the byte-at-a-time definition at every length and split point.
    @Test func incrementalUpdatesMatchOneShotAcrossOddSplits() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = CRC64.checksum(bytes)
        #expect(whole == bitwise(bytes))
        for split in [1, 7, 8, 9, 63, 500, 999] {
            var crc = CRC64()
            bytes[..<split].withUnsafeBytes { crc.update($0) }
            bytes[split...].withUnsafeBytes { crc.update($0) }
            #expect(crc.value == whole, "split at \(split)")
        }
    }

    private func bitwise(_ bytes: [UInt8]) -> UInt64 {
        var crc: UInt64 = ~0
        for byte in bytes {
            crc ^= UInt64(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ CRC64.polynomial : crc >> 1 }
        }
        return ~crc
    }
}
