/// Random identifiers and secrets from the system's cryptographic generator.
public enum RandomToken {
    static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")

    /// `count` characters of `[0-9a-z]`, drawn without modulo bias. 43 characters carry more than 220 bits.
    public static func alphanumeric(count: Int) -> String {
        // Each draw from the system generator is a system call: take eight bytes per draw and keep those below
        // 252 (= 7 × 36), so `byte % 36` is uniform.
        var generator = SystemRandomNumberGenerator()
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            var word = generator.next()
            for _ in 0..<8 where out.count < count {
                let byte = UInt8(truncatingIfNeeded: word)
                word >>= 8
                if byte < 252 { out.append(alphabetBytes[Int(byte % 36)]) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static let alphabetBytes = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)

    /// A library secret: 40 characters of `[0-9a-z]` (about 206 bits).
    public static func librarySecret() -> String {
        alphanumeric(count: 40)
    }
}
