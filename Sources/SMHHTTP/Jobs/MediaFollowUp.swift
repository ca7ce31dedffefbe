import Logging
import SMHCore
import SMHMedia
import SMHStoreSQL

/// What happens to a photo or video after its upload is confirmed, off the request path: its media information is
/// read once per content (and its capture time becomes the file's `localCreationTime` when the client sent none),
/// then the grid thumbnails are made so that the first view finds them ready.
///
/// Not a stored task: a crash loses only work that is redone on demand (information on `with_media_info=1`,
/// thumbnails on the first preview). Skipped when the engines' queue is long.
struct MediaFollowUp: Sendable {
    let previews: PreviewService
    let store: SQLStore
    let background: BackgroundWork
    let logger: Logger

    static let maxBacklog = 64

    func afterConfirm(_ node: Node) {
        let kind = FileKinds.fileType(of: node.name)
        guard kind == "image" || kind == "video", let sha = node.blobSha256, previews.tools.imagesAvailable else {
            return
        }
        let (inode, name, clientTime) = (node.inode, node.name, node.localTimes.created)
        background.submit {
            guard await previews.backlog < Self.maxBacklog else { return }
            do {
                let info = await previews.information(sha256: sha, name: name)
                if clientTime == nil, let taken = info?.takenAt {
                    try await store.defaultLocalCreation(of: inode, to: taken)
                }
            } catch {
                logger.warning("media information not saved", metadata: ["sha256": .string(sha), "error": "\(error)"])
            }
            await previews.pregenerate(sha256: sha, name: name)
        }
    }
}
