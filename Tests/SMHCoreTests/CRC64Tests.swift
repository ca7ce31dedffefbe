import CSMHHashing
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

    /// The carry-less folding must leave exactly the tables' register: every length around its block and lane
    /// boundaries, every alignment, a running register from earlier bytes, and whole MiB buffers.
    @Test func foldingAgreesWithTablesAtEveryLengthAndAlignment() {
        var seed: UInt64 = 42  // a fixed LCG, so a failure names bytes that can be produced again
        let bytes = (0..<(1 << 20) + 64).map { _ in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: seed >> 56)
        }
        let lengths = Array(0..<300) + [1023, 1024, 4095, 65_536 + 17, 1 << 20]
        for length in lengths {
            for offset in [0, 1, 7, 13] where offset + length <= bytes.count {
                let slice = bytes[offset..<offset + length]
                var folded = CRC64()
                var tabled = CRC64()
                // A register that is neither the initial one nor zero, as in the middle of an upload.
                bytes[..<5].withUnsafeBytes {
                    folded.update($0)
                    tabled.updateWithTables($0)
                }
                slice.withUnsafeBytes {
                    folded.update($0)
                    tabled.updateWithTables($0)
                }
                #expect(folded.value == tabled.value, "length \(length) at offset \(offset)")
            }
        }
        #expect(CRC64.checksum(bytes[..<65_536]) == bitwise(Array(bytes[..<65_536])))
    }

    @Test func foldingIsUsedWhereTheCPUHasCarrylessMultiply() {
        #if arch(x86_64)
            // Every x86-64 server of the last decade has PCLMULQDQ; without it uploads hash 5× slower.
            #expect(CRC64.foldsWithCarrylessMultiply)
        #endif
    }

    /// The C constants are x^n mod P (n = 127, 191, 511, 575) bit-reversed: recomputed here from the polynomial.
    @Test func foldingConstantsFollowFromThePolynomial() {
        var constants = [UInt64](repeating: 0, count: 4)
        smh_crc64_clmul_constants(&constants)
        let normal: UInt64 = 0x42F0_E1EB_A9EA_3693
        #expect(normal.bitReversed == CRC64.polynomial)
        let expected = [127, 191, 511, 575].map { power -> UInt64 in
            var remainder: UInt64 = 1  // x^0; x^64 folds back as the low 64 bits of P
            for _ in 0..<power {
                let carry = remainder >> 63 == 1
                remainder <<= 1
                if carry { remainder ^= normal }
            }
            return remainder.bitReversed
        }
        #expect(constants == expected)
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

extension UInt64 {
    fileprivate var bitReversed: UInt64 {
        var value = self
        var result: UInt64 = 0
        for _ in 0..<64 {
            result = result << 1 | value & 1
            value >>= 1
        }
        return result
    }
}
