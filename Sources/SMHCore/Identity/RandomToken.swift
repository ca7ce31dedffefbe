/// Random identifiers and secrets from the system's cryptographic generator.
public enum RandomToken {
    static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")

    /// `count` characters of `[0-9a-z]`, drawn without modulo bias. 43 characters carry more than 220 bits.
    public static func alphanumeric(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var out = ""
        out.reserveCapacity(count)
        for _ in 0..<count {
            out.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        return out
    }

    /// A library secret: 40 characters of `[0-9a-z]` (about 206 bits).
    public static func librarySecret() -> String {
        alphanumeric(count: 40)
    }
}
