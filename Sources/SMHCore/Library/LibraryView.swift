/// The wire form of a library in the admin API: `libraryId`, the applicable settings, times, and the secret only
/// in the answer that created or rotated it.
public struct LibraryView: Sendable, Encodable {
    public let library: Library
    public let secret: String?

    public init(_ library: Library, secret: String? = nil) {
        self.library = library
        self.secret = secret
    }

    private enum ExtraKey: String, CodingKey {
        case libraryId, librarySecret, creationTime, modificationTime
    }

    public func encode(to encoder: any Encoder) throws {
        var extra = encoder.container(keyedBy: ExtraKey.self)
        try extra.encode(library.id.rawValue, forKey: .libraryId)
        if let secret { try extra.encode(secret, forKey: .librarySecret) }
        try extra.encode(library.createdAt.iso8601, forKey: .creationTime)
        try extra.encode(library.updatedAt.iso8601, forKey: .modificationTime)

        let s = library.settings
        var c = encoder.container(keyedBy: LibrarySettingsField.self)
        for field in LibrarySettingsField.allCases where s.applies(field) {
            switch field {
            case .name: try c.encode(s.name, forKey: field)
            case .remark: try c.encode(s.remark, forKey: field)
            case .multiSpace: try c.encode(s.multiSpace, forKey: field)
            case .libraryType: try c.encode(s.libraryType, forKey: field)
            case .useRecycleBin: try c.encode(s.useRecycleBin, forKey: field)
            case .autoRemoveRecycledDays: try c.encode(s.autoRemoveRecycledDays, forKey: field)
            case .enableSearch: try c.encode(s.enableSearch, forKey: field)
            case .denyOnQuotaLessThanUsage: try c.encode(s.denyOnQuotaLessThanUsage, forKey: field)
            case .enableFileHistory: try c.encode(s.enableFileHistory, forKey: field)
            case .fileHistoryCount: try c.encode(s.fileHistoryCount, forKey: field)
            case .fileHistoryExpireDay: try c.encode(s.fileHistoryExpireDay, forKey: field)
            case .fileHistoryMergeInterval: try c.encode(s.fileHistoryMergeInterval, forKey: field)
            case .maxDirFileNameLength: try c.encode(s.maxDirFileNameLength, forKey: field)
            case .isPublicRead: try c.encode(s.isPublicRead, forKey: field)
            case .isMultiAlbum: try c.encode(s.isMultiAlbum, forKey: field)
            case .allowPhoto: try c.encode(s.allowPhoto, forKey: field)
            case .allowPhotoExtName: try c.encode(s.allowPhotoExtName, forKey: field)
            case .allowVideo: try c.encode(s.allowVideo, forKey: field)
            case .allowVideoExtName: try c.encode(s.allowVideoExtName, forKey: field)
            case .allowFileExtName: try c.encode(s.allowFileExtName, forKey: field)
            case .recognizeSensitiveContent: try c.encode(s.recognizeSensitiveContent, forKey: field)
            case .enableQuota: try c.encode(s.enableQuota, forKey: field)
            // Byte sizes are decimal strings on the wire; "unlimited" is an explicit null (spec 10 §1.8).
            case .libraryQuota: try c.encode(s.libraryQuota.map(String.init), forKey: field)
            }
        }
    }
}
