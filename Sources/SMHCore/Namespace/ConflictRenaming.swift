/// The free-name pattern of spec 10 §1.13: `name (1).ext`, `name (2).ext`, … before the last extension for files,
/// at the end for directories.
public enum ConflictRenaming {
    /// Attempts before giving up with `409 RenameTooManyTimes` (spec 20 §1.7).
    public static let maxAttempts = 1000

    /// The `n`-th candidate for `name`. The stem is shortened (never the suffix) so the result fits `maxLength`
    /// Unicode scalars.
    public static func candidate(for name: String, attempt n: Int, isDirectory: Bool, maxLength: Int) -> String {
        let (stem, ext) = isDirectory ? (Substring(name), Substring("")) : split(name)
        let suffix = " (\(n))" + ext
        let room = maxLength - suffix.unicodeScalars.count
        var stemScalars = Array(stem.unicodeScalars)
        if stemScalars.count > room { stemScalars = Array(stemScalars.prefix(max(0, room))) }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: stemScalars)
        return String(view) + suffix
    }

    /// Splits at the last dot; no dot, or a dot only in first position (`.env`), means no extension.
    static func split(_ name: String) -> (stem: Substring, ext: Substring) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return (Substring(name), "") }
        return (name[..<dot], name[dot...])
    }
}
