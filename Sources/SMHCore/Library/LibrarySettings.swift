/// The settings of a library (spec 10 §6.2, named as the admin API names them in spec 10 §6.3).
///
/// Defaults follow the decisions of spec 00: a file library, recycle bin and search on, history off.
/// The synthesized `Codable` is the storage form; the wire form is `LibrarySettings+Wire.swift`.
public struct LibrarySettings: Sendable, Hashable, Codable {
    public var name: String
    public var remark: String = ""
    public var multiSpace: Bool = false
    public var libraryType: LibraryType = .file
    public var useRecycleBin: Bool = true
    public var autoRemoveRecycledDays: Int = 0
    public var enableSearch: Bool = true
    public var denyOnQuotaLessThanUsage: Bool = false
    public var enableFileHistory: Bool = false
    public var fileHistoryCount: Int = 20
    public var fileHistoryExpireDay: Int = 0
    public var fileHistoryMergeInterval: Int = 0
    public var maxDirFileNameLength: Int = NameRules.defaultMaxLength
    public var isPublicRead: Bool = false
    public var isMultiAlbum: Bool = false
    public var allowPhoto: Bool = true
    public var allowPhotoExtName: [String] = []
    public var allowVideo: Bool = true
    public var allowVideoExtName: [String] = []
    public var allowFileExtName: [String] = []
    public var recognizeSensitiveContent: Bool = false
    public var enableQuota: Bool = false
    public var libraryQuota: Int64? = nil
    /// Kept for the service API (`Tags`, `CosStorageClass`): they mean nothing to OpenSMH's storage, but scripts read
    /// back what they set. Not part of the admin API's settings.
    public var tags: [LibraryTag] = []
    public var storageClass: String = "STANDARD"

    public init(name: String) {
        self.name = name
    }

    /// The storage form is tolerant of missing keys: a row written before a setting existed decodes with its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        remark = try c.decodeIfPresent(String.self, forKey: .remark) ?? ""
        multiSpace = try c.decodeIfPresent(Bool.self, forKey: .multiSpace) ?? false
        libraryType = try c.decodeIfPresent(LibraryType.self, forKey: .libraryType) ?? .file
        useRecycleBin = try c.decodeIfPresent(Bool.self, forKey: .useRecycleBin) ?? true
        autoRemoveRecycledDays = try c.decodeIfPresent(Int.self, forKey: .autoRemoveRecycledDays) ?? 0
        enableSearch = try c.decodeIfPresent(Bool.self, forKey: .enableSearch) ?? true
        denyOnQuotaLessThanUsage = try c.decodeIfPresent(Bool.self, forKey: .denyOnQuotaLessThanUsage) ?? false
        enableFileHistory = try c.decodeIfPresent(Bool.self, forKey: .enableFileHistory) ?? false
        fileHistoryCount = try c.decodeIfPresent(Int.self, forKey: .fileHistoryCount) ?? 20
        fileHistoryExpireDay = try c.decodeIfPresent(Int.self, forKey: .fileHistoryExpireDay) ?? 0
        fileHistoryMergeInterval = try c.decodeIfPresent(Int.self, forKey: .fileHistoryMergeInterval) ?? 0
        maxDirFileNameLength =
            try c.decodeIfPresent(Int.self, forKey: .maxDirFileNameLength) ?? NameRules.defaultMaxLength
        isPublicRead = try c.decodeIfPresent(Bool.self, forKey: .isPublicRead) ?? false
        isMultiAlbum = try c.decodeIfPresent(Bool.self, forKey: .isMultiAlbum) ?? false
        allowPhoto = try c.decodeIfPresent(Bool.self, forKey: .allowPhoto) ?? true
        allowPhotoExtName = try c.decodeIfPresent([String].self, forKey: .allowPhotoExtName) ?? []
        allowVideo = try c.decodeIfPresent(Bool.self, forKey: .allowVideo) ?? true
        allowVideoExtName = try c.decodeIfPresent([String].self, forKey: .allowVideoExtName) ?? []
        allowFileExtName = try c.decodeIfPresent([String].self, forKey: .allowFileExtName) ?? []
        recognizeSensitiveContent = try c.decodeIfPresent(Bool.self, forKey: .recognizeSensitiveContent) ?? false
        enableQuota = try c.decodeIfPresent(Bool.self, forKey: .enableQuota) ?? false
        libraryQuota = try c.decodeIfPresent(Int64.self, forKey: .libraryQuota)
        tags = try c.decodeIfPresent([LibraryTag].self, forKey: .tags) ?? []
        storageClass = try c.decodeIfPresent(String.self, forKey: .storageClass) ?? "STANDARD"
    }

    public static let maxNameLength = 50
    public static let maxRemarkLength = 250

    /// Checks every range and cross-field rule of spec 10 §6.3; throws the first violation.
    public func validate() throws(SMHError) {
        let nameLength = name.unicodeScalars.count
        guard nameLength >= 1, nameLength <= Self.maxNameLength, !name.unicodeScalars.contains(where: isControl)
        else {
            throw SMHError(
                .paramInvalid, "name must be 1 to \(Self.maxNameLength) characters without control characters.")
        }
        guard remark.unicodeScalars.count <= Self.maxRemarkLength else {
            throw SMHError(.paramInvalid, "remark must be at most \(Self.maxRemarkLength) characters.")
        }
        guard (0...1095).contains(autoRemoveRecycledDays) else {
            throw SMHError(.paramInvalid, "autoRemoveRecycledDays must be between 0 and 1095.")
        }
        guard (1...999).contains(fileHistoryCount) else {
            throw SMHError(.invalidFileHistoryCount, "fileHistoryCount must be between 1 and 999.")
        }
        guard (0...999).contains(fileHistoryExpireDay) else {
            throw SMHError(.invalidFileHistoryExpireDay, "fileHistoryExpireDay must be between 0 and 999.")
        }
        guard fileHistoryMergeInterval == 0 || (5...600).contains(fileHistoryMergeInterval) else {
            throw SMHError(.invalidFileHistoryMergeInterval, "fileHistoryMergeInterval must be 0 or between 5 and 600.")
        }
        guard (1...NameRules.defaultMaxLength).contains(maxDirFileNameLength) else {
            throw SMHError(.paramInvalid, "maxDirFileNameLength must be between 1 and \(NameRules.defaultMaxLength).")
        }
        if enableQuota {
            guard let libraryQuota else {
                throw SMHError(.paramInvalid, "libraryQuota is required when enableQuota is true.")
            }
            guard libraryQuota >= 1 else {
                throw SMHError(.paramInvalid, "libraryQuota must be between 1 and 9223372036854775807.")
            }
        } else if libraryQuota != nil {
            throw SMHError(.paramInvalid, "libraryQuota is only allowed when enableQuota is true.")
        }
        for (field, list) in [
            ("allowPhotoExtName", allowPhotoExtName), ("allowVideoExtName", allowVideoExtName),
            ("allowFileExtName", allowFileExtName),
        ] {
            guard list.count <= 1000 else { throw SMHError(.paramInvalid, "\(field) has more than 1000 entries.") }
            for ext in list where !Self.isValidExtension(ext) {
                throw SMHError(
                    .paramInvalid, "\(field) entries must look like \".jpg\" (a dot, then 1 to 31 characters).")
            }
        }
    }

    /// Which settings exist for which kind of library (spec 10 §6.2): a field that does not apply is rejected on
    /// input and left out of the wire form.
    public func applies(_ field: LibrarySettingsField) -> Bool {
        switch field {
        case .isPublicRead, .recognizeSensitiveContent:
            return !multiSpace
        case .isMultiAlbum, .allowPhoto, .allowPhotoExtName, .allowVideo, .allowVideoExtName:
            return !multiSpace && libraryType == .media
        case .allowFileExtName:
            return !multiSpace && libraryType == .file
        default:
            return true
        }
    }

    static func isValidExtension(_ ext: String) -> Bool {
        let scalars = Array(ext.unicodeScalars)
        return scalars.count >= 2 && scalars.count <= 32 && scalars[0] == "."
            && !scalars.dropFirst().contains(where: { isControl($0) || NameRules.forbiddenCharacters.contains($0) })
    }
}

/// A resource tag of the service API (`ResourceTag`: `TagKey`, `TagValue`).
public struct LibraryTag: Sendable, Hashable, Codable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || scalar.value == 0x7F
}
