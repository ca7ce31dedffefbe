import CSMHHashing

/// CRC-64/XZ (ECMA-182 polynomial, reflected), the value COS reports as `x-cos-hash-crc64ecma` (spec 10 §1.14).
///
/// Where the CPU multiplies without carries (x86-64 PCLMULQDQ), whole 16-byte blocks are folded in C
/// (`smh_crc64_clmul_fold`, about 5× the table's speed: 0.8 ms of every uploaded MiB became 0.15 ms); the folded
/// remainder and the tail go through slicing-by-8 tables, which also serve every other CPU. The C constants are
/// x^n mod P for n = 127, 191, 511, 575, bit-reversed; `CRC64Tests` recomputes them from the polynomial.
public struct CRC64: Sendable {
    public static let polynomial: UInt64 = 0xC96C_5795_D787_0F42

    private var state: UInt64 = ~0

    public init() {}

    /// The CRC of everything passed to `update` so far.
    public var value: UInt64 { ~state }

    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var crc = CRC64()
        let array = Array(bytes)
        array.withUnsafeBytes { crc.update($0) }
        return crc.value
    }

    /// Whether `update` folds with carry-less multiplication on this CPU.
    public static let foldsWithCarrylessMultiply = smh_crc64_clmul_available() == 1

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard Self.foldsWithCarrylessMultiply, buffer.count >= 64, let base = buffer.baseAddress else {
            return updateWithTables(buffer)
        }
        var remainder: (UInt64, UInt64) = (0, 0)
        let folded = withUnsafeMutableBytes(of: &remainder) { out in
            smh_crc64_clmul_fold(
                state, base.assumingMemoryBound(to: UInt8.self), buffer.count,
                out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        // The remainder stands for every folded byte: run from a zero register it leaves the same register.
        state = 0
        withUnsafeBytes(of: &remainder) { updateWithTables($0) }
        updateWithTables(UnsafeRawBufferPointer(rebasing: buffer[folded...]))
    }

    /// Slicing-by-8 alone: every CPU, short buffers, and the reference the folding is tested against.
    public mutating func updateWithTables(_ buffer: UnsafeRawBufferPointer) {
        var crc = state
        var index = 0
        let count = buffer.count
        Self.table.withUnsafeBufferPointer { t in
            while count - index >= 8 {
                var word: UInt64 = 0
                withUnsafeMutableBytes(of: &word) {
                    $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[index..<index + 8]))
                }
                crc ^= UInt64(littleEndian: word)
                crc =
                    t[7 * 256 + Int(crc & 0xFF)] ^ t[6 * 256 + Int((crc >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((crc >> 16) & 0xFF)] ^ t[4 * 256 + Int((crc >> 24) & 0xFF)]
                    ^ t[3 * 256 + Int((crc >> 32) & 0xFF)] ^ t[2 * 256 + Int((crc >> 40) & 0xFF)]
                    ^ t[1 * 256 + Int((crc >> 48) & 0xFF)] ^ t[Int(crc >> 56)]
                index += 8
            }
            while index < count {
                crc = t[Int((crc ^ UInt64(buffer[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        state = crc
    }

    /// Eight tables of 256 entries, flattened: table k advances a byte k positions further.
    static let table: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var crc = UInt64(i)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1
            }
            table[i] = crc
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = table[(k - 1) * 256 + i]
                table[k * 256 + i] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()
}
