/// Extension → coarse kind and MIME type (spec 20 §1.8). Case-insensitive on the last extension.
public enum FileKinds {
    static let kinds: [String: String] = {
        var map: [String: String] = [:]
        let table: [(String, String)] = [
            ("image", "jpg jpeg png gif bmp webp heic heif tif tiff svg ico"),
            ("video", "mp4 mov m4v avi mkv wmv flv webm 3gp mpg mpeg ts m3u8"),
            ("audio", "mp3 m4a aac wav flac ogg wma amr"),
            ("word", "doc docx dot dotx dotm docm wps wpt rtf"),
            ("excel", "xls xlsx xlt xltx xltm xlsm et csv"),
            ("powerpoint", "ppt pptx pps ppsx ppsm pptm pot potx potm dps dpt"),
            ("portable", "pdf"),
            ("text", "txt md log json xml yaml yml"),
            ("archive", "zip rar 7z tar gz tgz bz2 xz apk"),
        ]
        for (kind, extensions) in table {
            for ext in extensions.split(separator: " ") { map[String(ext)] = kind }
        }
        return map
    }()

    static let mimeTypes: [String: String] = [
        "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "bmp": "image/bmp",
        "webp": "image/webp", "heic": "image/heic", "heif": "image/heif", "tif": "image/tiff", "tiff": "image/tiff",
        "svg": "image/svg+xml", "ico": "image/x-icon", "mp4": "video/mp4", "mov": "video/quicktime",
        "m4v": "video/x-m4v", "avi": "video/x-msvideo", "mkv": "video/x-matroska", "wmv": "video/x-ms-wmv",
        "flv": "video/x-flv", "webm": "video/webm", "3gp": "video/3gpp", "mpg": "video/mpeg", "mpeg": "video/mpeg",
        "ts": "video/mp2t", "m3u8": "application/vnd.apple.mpegurl", "mp3": "audio/mpeg", "m4a": "audio/mp4",
        "aac": "audio/aac", "wav": "audio/wav", "flac": "audio/flac", "ogg": "audio/ogg", "txt": "text/plain",
        "md": "text/markdown", "json": "application/json", "xml": "application/xml", "csv": "text/csv",
        "pdf": "application/pdf", "zip": "application/zip", "gz": "application/gzip", "tar": "application/x-tar",
        "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ]

    /// The extensions of one kind (`word`, `excel`, …), sorted.
    public static func extensions(ofKind kind: String) -> [String] {
        kinds.filter { $0.value == kind }.map(\.key).sorted()
    }

    public static func fileExtension(of name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    /// `word`, `excel`, `powerpoint`, `portable`, `text`, `archive`, `image`, `video`, `audio` or `other`.
    public static func fileType(of name: String) -> String {
        kinds[fileExtension(of: name)] ?? "other"
    }

    public static func contentType(of name: String) -> String {
        mimeTypes[fileExtension(of: name)] ?? "application/octet-stream"
    }
}
