/// Which files a library or space accepts where.
public enum MediaRules {
    /// Spec 20 §6 and §1.8: media libraries take photos and videos only, in albums when in album mode; file
    /// libraries may restrict extensions.
    public static func check(_ library: Library, _ space: Space, name: String, depth: Int) throws(SMHError) {
        let ext = "." + FileKinds.fileExtension(of: name)
        if library.settings.libraryType == .media {
            let kind = FileKinds.fileType(of: name)
            let allowed =
                (kind == "image" && space.settings.allowPhoto || kind == "video" && space.settings.allowVideo)
                && (kind != "image" || space.settings.allowPhotoExtname.isEmpty
                    || space.settings.allowPhotoExtname.contains { $0.lowercased() == ext })
                && (kind != "video" || space.settings.allowVideoExtname.isEmpty
                    || space.settings.allowVideoExtname.contains { $0.lowercased() == ext })
            guard allowed else { throw SMHError(.extnameNotAllowed, "Only photos and videos are allowed here.") }
            if space.settings.isMultiAlbum && depth < 2 {
                throw SMHError(.uploadToRootDirectoryNotAllowed, "Upload into an album, not the root.")
            }
        } else if !space.settings.allowFileExtname.isEmpty,
            !space.settings.allowFileExtname.contains(where: { $0.lowercased() == ext })
        {
            throw SMHError(.extnameNotAllowed, "Files with the extension \(ext) are not allowed here.")
        }
    }
}
