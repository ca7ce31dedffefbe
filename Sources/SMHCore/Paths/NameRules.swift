/// The name rules of spec 10 §1.12 and the decisions of spec 00.
public enum NameRules {
    /// The limit when a library sets none; also the largest value a library may set.
    public static let defaultMaxLength = 255

    /// Characters SMH answers `IllegalFileName` for ([sdk-js] server code list); `/` is a separator, never a name char.
    static let forbiddenCharacters: Set<Unicode.Scalar> = ["\\", ":", "*", "?", "\"", "<", ">", "|", "/"]

    /// What a name is used as decides which length code SMH answers.
    public enum Role: Sendable {
        case directory
        case file
    }

    /// Validates one path component. Length is counted in Unicode scalars, as SMH counts characters.
    public static func validate(_ name: String, as role: Role, maxLength: Int = defaultMaxLength) throws(SMHError) {
        if name.isEmpty {
            throw role == .file
                ? SMHError(.emptyFileName, "The file name is empty.")
                : SMHError(.emptyPath, "The path has an empty component.")
        }
        if name == "." || name == ".." {
            throw SMHError(.illegalFileName, "The names '.' and '..' are not allowed.")
        }
        var count = 0
        for scalar in name.unicodeScalars {
            count += 1
            if scalar.value < 0x20 || scalar.value == 0x7F {
                throw SMHError(.illegalFileName, "A name must not contain control characters.")
            }
            if forbiddenCharacters.contains(scalar) {
                throw SMHError(.illegalFileName, "A name must not contain any of \\ : * ? \" < > | /.")
            }
        }
        if count > maxLength {
            throw role == .file
                ? SMHError(.fileNameLengthExceed, "The file name is longer than \(maxLength) characters.")
                : SMHError(.directoryNameLengthExceed, "A directory name is longer than \(maxLength) characters.")
        }
    }
}
