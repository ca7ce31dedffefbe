/// A permission string of a token's `grant` list (spec 10 §2.2). Matching is exact and case-sensitive.
public enum Grant: String, Sendable, CaseIterable, Codable {
    case admin
    case spaceAdmin = "space_admin"
    case createSpace = "create_space"
    case deleteSpace = "delete_space"
    case createDirectory = "create_directory"
    case deleteDirectory = "delete_directory"
    case deleteDirectoryPermanent = "delete_directory_permanent"
    case moveDirectory = "move_directory"
    case copyDirectory = "copy_directory"
    case uploadFile = "upload_file"
    case uploadFileForce = "upload_file_force"
    case beginUpload = "begin_upload"
    case beginUploadForce = "begin_upload_force"
    case confirmUpload = "confirm_upload"
    case createSymlink = "create_symlink"
    case createSymlinkForce = "create_symlink_force"
    case deleteFile = "delete_file"
    case deleteFilePermanent = "delete_file_permanent"
    case moveFile = "move_file"
    case moveFileForce = "move_file_force"
    case copyFile = "copy_file"
    case copyFileForce = "copy_file_force"
    case deleteRecycled = "delete_recycled"
    case restoreRecycled = "restore_recycled"
    case readOnly = "read_only"
    case setHistoryLatest = "set_history_latest"
    case deleteHistory = "delete_history"
    case createVirtual = "create_virtual"
    /// Enterprise per-directory ACL mode: accepted and ignored (spec 10 §2.2).
    case acl

    /// Parses a comma-separated `grant` parameter. Unknown strings are ignored, as spec 10 §2.2 decides.
    public static func parseList(_ raw: String?) -> Set<Grant> {
        guard let raw else { return [] }
        return Set(raw.split(separator: ",").compactMap { Grant(rawValue: String($0).trimmingSpaces) })
    }
}
