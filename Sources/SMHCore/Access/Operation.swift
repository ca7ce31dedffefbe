/// What a request wants to do, as far as permissions are concerned (spec 10 §2.2 and spec 20 §1.4).
public enum Operation: Sendable, Hashable {
    /// Listing, info, HEAD, download and preview links, search, listing recycle bin and history: any token.
    case read
    /// The reads a public-read library or space also allows without a token (spec 10 §1.5.3): listing, info, HEAD,
    /// download links.
    case readContent
    case createSpace
    case deleteSpace
    /// Seeing every space of the library rather than one's own; not an error when missing.
    case listAllSpaces
    case updateSpaceExtension
    case spaceAdministration
    case libraryAdministration
    case createDirectory
    case deleteDirectory(permanent: Bool)
    case moveDirectory
    case copyDirectory
    case beginUpload(overwrite: Bool)
    case confirmUpload
    case createSymlink(overwrite: Bool)
    case createVirtualFile
    case deleteFile(permanent: Bool)
    case moveFile(overwrite: Bool)
    case copyFile(overwrite: Bool)
    case deleteRecycled
    case restoreRecycled
    case setHistoryLatest
    case deleteHistory

    /// Grants of which any one allows the operation; nil for reads, which every token may do.
    public var allowedGrants: Set<Grant>? {
        // `space_admin` may do everything inside its spaces except tenant-space and library-wide management.
        let inSpace: Set<Grant> = [.admin, .spaceAdmin]
        switch self {
        case .read, .readContent: return nil
        case .createSpace: return [.admin, .createSpace]
        case .deleteSpace: return [.admin, .deleteSpace]
        case .listAllSpaces, .updateSpaceExtension, .spaceAdministration: return inSpace
        case .libraryAdministration: return [.admin]
        case .createDirectory: return inSpace.union([.createDirectory])
        case .deleteDirectory(let permanent):
            return inSpace.union(
                permanent ? [.deleteDirectoryPermanent] : [.deleteDirectory, .deleteDirectoryPermanent])
        case .moveDirectory: return inSpace.union([.moveDirectory])
        case .copyDirectory: return inSpace.union([.copyDirectory])
        case .beginUpload(let overwrite):
            return inSpace.union(
                overwrite
                    ? [.uploadFileForce, .beginUploadForce]
                    : [.uploadFile, .uploadFileForce, .beginUpload, .beginUploadForce])
        case .confirmUpload: return inSpace.union([.uploadFile, .uploadFileForce, .confirmUpload])
        case .createSymlink(let overwrite):
            return inSpace.union(
                overwrite
                    ? [.uploadFileForce, .createSymlinkForce]
                    : [.uploadFile, .uploadFileForce, .createSymlink, .createSymlinkForce])
        case .createVirtualFile: return inSpace.union([.uploadFile, .uploadFileForce, .createVirtual])
        case .deleteFile(let permanent):
            return inSpace.union(permanent ? [.deleteFilePermanent] : [.deleteFile, .deleteFilePermanent])
        case .moveFile(let overwrite): return inSpace.union(overwrite ? [.moveFileForce] : [.moveFile, .moveFileForce])
        case .copyFile(let overwrite): return inSpace.union(overwrite ? [.copyFileForce] : [.copyFile, .copyFileForce])
        case .deleteRecycled: return inSpace.union([.deleteRecycled])
        case .restoreRecycled: return inSpace.union([.restoreRecycled])
        case .setHistoryLatest: return inSpace.union([.setHistoryLatest])
        case .deleteHistory: return inSpace.union([.deleteHistory])
        }
    }
}
