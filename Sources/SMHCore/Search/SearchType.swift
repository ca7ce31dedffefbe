/// The `type` vocabulary of a search (spec 30 S1): what each value selects.
public enum SearchType: String, Sendable, Hashable, Codable, CaseIterable {
    case all, dir, file, doc, xls, ppt, pdf, txt, image, video, audio, powerpoint, excel, word, text

    /// What a value selects, in terms the store can index or test.
    public enum Selection: Sendable, Hashable {
        case everything
        case directories
        case nonDirectories
        /// Files whose last extension (lower-cased, no dot) is one of these.
        case extensions([String])
        /// Files whose content type starts with this (`image/`).
        case contentTypePrefix(String)
    }

    public var selection: Selection {
        switch self {
        case .all: return .everything
        case .dir: return .directories
        case .file: return .nonDirectories
        case .doc: return .extensions(["doc", "docx"])
        case .xls: return .extensions(["xls", "xlsx"])
        case .ppt: return .extensions(["ppt", "pptx"])
        case .pdf: return .extensions(["pdf"])
        case .txt: return .extensions(["txt"])
        case .image, .video, .audio: return .contentTypePrefix(rawValue + "/")
        case .powerpoint, .excel, .word: return .extensions(FileKinds.extensions(ofKind: rawValue))
        case .text: return .extensions(FileKinds.extensions(ofKind: "text") + ["asp", "htm", "html", "css", "js"])
        }
    }
}
