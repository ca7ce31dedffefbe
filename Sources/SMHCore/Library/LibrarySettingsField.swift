/// The JSON names of the library settings, as the admin API reads and writes them.
public enum LibrarySettingsField: String, Sendable, CaseIterable, CodingKey {
    case name, remark, multiSpace, libraryType, useRecycleBin, autoRemoveRecycledDays, enableSearch
    case denyOnQuotaLessThanUsage, enableFileHistory, fileHistoryCount, fileHistoryExpireDay
    case fileHistoryMergeInterval, maxDirFileNameLength, isPublicRead, isMultiAlbum, allowPhoto
    case allowPhotoExtName, allowVideo, allowVideoExtName, allowFileExtName, recognizeSensitiveContent
    case enableQuota, libraryQuota

    /// Fixed at creation (spec 10 §6.2 "Mutable: no").
    public var isImmutable: Bool {
        switch self {
        case .multiSpace, .libraryType, .isMultiAlbum, .enableQuota: return true
        default: return false
        }
    }
}
