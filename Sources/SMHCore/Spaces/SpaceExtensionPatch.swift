/// The fields a create-space or update-extension body names. Unknown fields are ignored (spec 10 §1.7); a field of
/// the wrong type is `400 ParamInvalid`. On update `isMultiAlbum` is ignored (fixed at creation, spec 10 §3.7).
/// `publicRead` and `multiAlbum` are taken as `isPublicRead` and `isMultiAlbum`: the Java SDK's beans send those
/// names, and a public space must not come out private because of a spelling.
public struct SpaceExtensionPatch: Sendable, Decodable {
    var isPublicRead: Bool?
    var isMultiAlbum: Bool?
    var allowPhoto: Bool?
    var allowVideo: Bool?
    var allowPhotoExtname: [String]?
    var allowVideoExtname: [String]?
    var allowFileExtname: [String]?
    var recognizeSensitiveContent: Bool?
    /// Outer nil: absent (unchanged); inner nil: explicit `null` (clear).
    var spaceTag: String??

    public init() {}

    enum Key: String, CodingKey {
        case isPublicRead, isMultiAlbum, allowPhoto, allowVideo, allowPhotoExtname, allowVideoExtname
        case allowFileExtname, recognizeSensitiveContent, spaceTag
        case publicRead, multiAlbum
    }

    public init(from decoder: any Decoder) throws {
        let c: KeyedDecodingContainer<Key>
        do {
            c = try decoder.container(keyedBy: Key.self)
        } catch {
            throw SMHError(.badRequest, "The body must be a JSON object.")
        }
        func field<T: Decodable>(_ key: Key, _ description: String) throws -> T? {
            do {
                return try c.decodeIfPresent(T.self, forKey: key)
            } catch {
                throw SMHError(.paramInvalid, "\(key.rawValue) must be \(description).")
            }
        }
        func aliased(_ key: Key, _ alias: Key) throws -> Bool? {
            let (named, aliasValue): (Bool?, Bool?) = (try field(key, "a boolean"), try field(alias, "a boolean"))
            if let named, let aliasValue, named != aliasValue {
                throw SMHError(.paramInvalid, "\(key.rawValue) and \(alias.rawValue) disagree.")
            }
            return named ?? aliasValue
        }
        isPublicRead = try aliased(.isPublicRead, .publicRead)
        isMultiAlbum = try aliased(.isMultiAlbum, .multiAlbum)
        allowPhoto = try field(.allowPhoto, "a boolean")
        allowVideo = try field(.allowVideo, "a boolean")
        allowPhotoExtname = try field(.allowPhotoExtname, "an array of strings")
        allowVideoExtname = try field(.allowVideoExtname, "an array of strings")
        allowFileExtname = try field(.allowFileExtname, "an array of strings")
        recognizeSensitiveContent = try field(.recognizeSensitiveContent, "a boolean")
        if c.contains(.spaceTag) {
            spaceTag = .some(try field(.spaceTag, "a string or null"))
        }
    }

    public func apply(to ext: inout SpaceExtension, creating: Bool) throws(SMHError) {
        if let isPublicRead { ext.isPublicRead = isPublicRead }
        if creating, let isMultiAlbum { ext.isMultiAlbum = isMultiAlbum }
        if let allowPhoto { ext.allowPhoto = allowPhoto }
        if let allowVideo { ext.allowVideo = allowVideo }
        if let allowPhotoExtname { ext.allowPhotoExtname = allowPhotoExtname }
        if let allowVideoExtname { ext.allowVideoExtname = allowVideoExtname }
        if let allowFileExtname { ext.allowFileExtname = allowFileExtname }
        if let recognizeSensitiveContent { ext.recognizeSensitiveContent = recognizeSensitiveContent }
        if let spaceTag { ext.spaceTag = spaceTag }
        for (field, list) in [
            ("allowPhotoExtname", ext.allowPhotoExtname), ("allowVideoExtname", ext.allowVideoExtname),
            ("allowFileExtname", ext.allowFileExtname),
        ] {
            guard list.count <= 1000, list.allSatisfy(LibrarySettings.isValidExtension) else {
                throw SMHError(.paramInvalid, "\(field) entries must look like \".jpg\" (at most 1000 of them).")
            }
        }
        if let tag = ext.spaceTag, tag.unicodeScalars.count > SpaceExtension.maxSpaceTagLength {
            throw SMHError(.paramInvalid, "spaceTag is longer than \(SpaceExtension.maxSpaceTagLength) characters.")
        }
    }
}
