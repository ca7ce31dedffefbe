import HTTPTypes
import Hummingbird
import NIOCore
import SMHBlobLocal
import SMHCore
import SMHStoreSQL

/// The data plane (spec 20 F-04): where clients send file bytes, authorised by the signed capability that begin
/// returned. Bodies stream to the blob store's staging area; memory stays bounded whatever the size.
struct DataPlaneController {
    let uploads: UploadService<SQLStore, LocalBlobStore>
    let store: SQLStore
    let blobs: LocalBlobStore
    let clock: any Clock

    func register(on router: Router<SMHRequestContext>) {
        router.put("/_opensmh/up/:confirmKey", use: putContent)
    }

    /// F-04.2: 200 with `ETag` (quoted MD5) and `x-cos-hash-crc64ecma`. A repeated PUT replaces the content.
    @Sendable func putContent(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let key = context.parameters.get("confirmKey") ?? ""
        let session = try await uploads.authorizeContent(
            confirmKey: key, authorization: request.headers[.authorization])
        let writer = try blobs.makeWriter()
        do {
            for try await buffer in request.body {
                try buffer.withUnsafeReadableBytes { try writer.write($0) }
            }
        } catch {
            writer.abort()
            throw SMHError(.incompleteBody, "The body ended before it was complete.", cause: ErrorBox(error))
        }
        if let expected = request.headers[.contentLength].flatMap(Int64.init), expected != writer.bytesWritten {
            writer.abort()
            throw SMHError(.incompleteBody, "Received \(writer.bytesWritten) of \(expected) bytes.")
        }
        let staged = try writer.finish()
        do {
            if let replaced = try await store.attachContent(confirmKey: session.confirmKey, staged, at: clock.now()) {
                blobs.discard(replaced)
            }
        } catch {
            blobs.discard(staged)
            throw error
        }
        context.logger.info(
            "upload content received",
            metadata: ["bytes": .stringConvertible(staged.digest.size), "sha256": .string(staged.digest.sha256)])
        var response = Response(status: .ok)
        response.headers[.eTag] = staged.digest.eTag
        response.headers[HTTPField.Name("x-cos-hash-crc64ecma")!] = String(staged.digest.crc64)
        return response
    }
}
