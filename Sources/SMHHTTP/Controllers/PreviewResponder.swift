import HTTPTypes
import Hummingbird
import SMHCore
import SMHMedia
import SMHStoreSQL

/// The one answer of every preview (spec 20 F-12, F-13, D-12; spec 30 R3): a `302` to a signed rendition URL, to the
/// file's inline download link, or `404 FileNotFound` for a video no cover can be made for.
struct PreviewResponder: Sendable {
    let previews: PreviewService
    let files: FileService<SQLStore>
    let publicURL: String?

    /// `node` is the file itself (links already followed). Documents and other files answer their download link.
    func respond(to node: Node, query: QueryParameters, request: Request) async throws -> Response {
        let kind = FileKinds.fileType(of: node.name)
        var location = files.downloadPath(for: node, attachment: false)
        if kind == "image" || kind == "video" {
            let spec = try RenditionSpec.parse(query)
            guard let sha = node.blobSha256 else { throw SMHError(.fileNotFound, "This file has no content.") }
            switch await previews.preview(sha256: sha, name: node.name, spec: spec) {
            case .rendition(let rendition):
                location = files.thumbnailPath(
                    sha256: sha, key: rendition.key, name: Self.renditionName(node.name, rendition.format))
            case .original:
                break
            case .unavailable:
                throw SMHError(.fileNotFound, "No cover picture can be made for this video.")
            }
        }
        var response = Response(status: .found)
        response.headers[.location] = try DataPlaneURL.absolute(location, publicURL: publicURL, request: request)
        return response
    }

    /// `IMG_0001.HEIC` → `IMG_0001.jpg`: what a browser saving the thumbnail should call it.
    static func renditionName(_ name: String, _ format: RenditionSpec.Format) -> String {
        let stem = name.lastIndex(of: ".").map { String(name[..<$0]) } ?? name
        return "\(stem.isEmpty ? "preview" : stem).\(format.fileExtension)"
    }
}
