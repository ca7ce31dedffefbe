/// A file library takes any file and any depth; a media library takes photos and videos in albums (spec 10 §6.1).
public enum LibraryType: String, Sendable, Codable {
    case file
    case media
}
