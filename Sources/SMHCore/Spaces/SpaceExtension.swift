/// The per-space settings of a multi-tenant library (spec 10 §3.1), named as the business API names them
/// (`…Extname` with a lower-case n).
public struct SpaceExtension: Sendable, Hashable, Codable {
    public var isPublicRead = false
    public var isMultiAlbum = false
    public var allowPhoto = false
    public var allowVideo = false
    public var allowPhotoExtname: [String] = []
    public var allowVideoExtname: [String] = []
    public var allowFileExtname: [String] = []
    public var recognizeSensitiveContent = false
    /// Absent until set; `null` in an update clears it.
    public var spaceTag: String?

    public init() {}

    /// Tolerant of missing keys, so rows written before a field existed still decode (with the field's default).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        isPublicRead = try c.decodeIfPresent(Bool.self, forKey: .isPublicRead) ?? false
        isMultiAlbum = try c.decodeIfPresent(Bool.self, forKey: .isMultiAlbum) ?? false
        allowPhoto = try c.decodeIfPresent(Bool.self, forKey: .allowPhoto) ?? false
        allowVideo = try c.decodeIfPresent(Bool.self, forKey: .allowVideo) ?? false
        allowPhotoExtname = try c.decodeIfPresent([String].self, forKey: .allowPhotoExtname) ?? []
        allowVideoExtname = try c.decodeIfPresent([String].self, forKey: .allowVideoExtname) ?? []
        allowFileExtname = try c.decodeIfPresent([String].self, forKey: .allowFileExtname) ?? []
        recognizeSensitiveContent = try c.decodeIfPresent(Bool.self, forKey: .recognizeSensitiveContent) ?? false
        spaceTag = try c.decodeIfPresent(String.self, forKey: .spaceTag)
    }

    /// The view of a single-tenant library's one space `-`: its extension values are the library's settings.
    public init(library settings: LibrarySettings) {
        isPublicRead = settings.isPublicRead
        isMultiAlbum = settings.isMultiAlbum
        allowPhoto = settings.allowPhoto
        allowVideo = settings.allowVideo
        allowPhotoExtname = settings.allowPhotoExtName
        allowVideoExtname = settings.allowVideoExtName
        allowFileExtname = settings.allowFileExtName
        recognizeSensitiveContent = settings.recognizeSensitiveContent
    }

    /// Writes the mutable values back into a single-tenant library's settings.
    public func apply(to settings: inout LibrarySettings) {
        settings.isPublicRead = isPublicRead
        if settings.libraryType == .media {
            settings.allowPhoto = allowPhoto
            settings.allowVideo = allowVideo
            settings.allowPhotoExtName = allowPhotoExtname
            settings.allowVideoExtName = allowVideoExtname
        } else {
            settings.allowFileExtName = allowFileExtname
        }
        settings.recognizeSensitiveContent = recognizeSensitiveContent
    }

    public static let maxSpaceTagLength = 64
}
