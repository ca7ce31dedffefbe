import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix
import SMHCore
import SMHMedia
import SMHStoreSQL

/// The data plane (spec 20 F-04): where clients send file bytes, authorised by the signed capability that begin
/// returned. Bodies stream to the blob store's staging area; memory stays bounded whatever the size.
struct DataPlaneController {
    let uploads: UploadService<SQLStore>
    let files: FileService<SQLStore>
    let store: SQLStore
    let blobs: any BlobStore
    let clock: any Clock
    let previews: PreviewService

    func register(on router: Router<SMHRequestContext>) {
        router.put("/_opensmh/up/:confirmKey", use: putContent)
        router.get("/_opensmh/dl/:capability/:name", use: download)
        router.head("/_opensmh/dl/:capability/:name", use: download)
        router.get("/_opensmh/th/:capability/:name", use: thumbnail)
        router.head("/_opensmh/th/:capability/:name", use: thumbnail)
    }

    /// Chunk size of streamed downloads: large enough for disk and socket efficiency, small enough that many
    /// concurrent downloads stay within a bounded amount of memory.
    static let chunkSize = 256 * 1024

    /// F-04.5: the bytes of a signed download URL, with `Range` (206/416), `ETag`/`If-None-Match` (304),
    /// `x-cos-hash-crc64ecma` and `Content-Disposition`. Streams from disk; a HEAD sends the headers only.
    @Sendable func download(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let rawName = context.parameters.get("name") ?? ""
        guard let capability = files.verify(capability: context.parameters.get("capability") ?? "", rawName: rawName)
        else {
            throw SMHError(.invalidAccessToken, "The download URL is invalid or has expired.")
        }
        guard let digest = try await store.read({ db in try await BlobRows.digest(db, sha256: capability.sha256) })
        else {
            throw SMHError(.fileNotFound, "The content of this file no longer exists.")
        }
        let seconds = Int(capability.expires - clock.now().milliseconds / 1000)
        if let direct = blobs.directDownloadURL(
            sha256: capability.sha256, seconds: seconds, fileName: capability.name,
            contentType: FileKinds.contentType(of: capability.name), attachment: capability.attachment)
        {
            return Response(status: .found, headers: [.location: direct, .cacheControl: "no-store"])
        }
        var headers: HTTPFields = [
            .eTag: digest.eTag, .acceptRanges: "bytes", .contentType: FileKinds.contentType(of: capability.name),
            HTTPField.Name("x-cos-hash-crc64ecma")!: String(digest.crc64),
            .contentDisposition: (capability.attachment ? "attachment" : "inline") + "; filename*=UTF-8''"
                + DownloadCapability.encodeName(capability.name),
        ]
        if let match = request.headers[.ifNoneMatch], match == digest.eTag || match == "*" {
            return Response(status: .notModified, headers: headers)
        }
        var range: ByteRange?
        var status = HTTPResponse.Status.ok
        switch ByteRange.parse(header: request.headers[.range], size: digest.size) {
        case .whole: break
        case .partial(let partial):
            range = partial
            status = .partialContent
            headers[.contentRange] = "bytes \(partial.start)-\(partial.end)/\(digest.size)"
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(digest.size)"
            var response = SMHError(.invalidRange, "The range is outside the file.")
                .response(requestId: context.requestId, method: request.method)
            response.headers.append(contentsOf: headers.filter { $0.name == .contentRange })
            return response
        }
        let length = range?.length ?? digest.size
        headers[.contentLength] = String(length)
        if request.method == .head { return Response(status: status, headers: headers) }
        let blobs = self.blobs
        let sha = capability.sha256
        let selected = range
        // Opened before answering: bytes that vanished (or a store that cannot be reached) are an error answer, not
        // a 200 cut short.
        let reader: any BlobReader
        do {
            reader = try await blobs.open(sha256: sha, range: selected)
        } catch let error as SMHError where error.code == .fileNotFound {
            throw SMHError(.fileNotFound, "The content of this file no longer exists.")
        }
        return Response(status: status, headers: headers, body: Self.stream(length: length, reader: reader))
    }

    /// A rendition behind a signed thumbnail URL (spec 20 F-04.6 `th`): immutable for its URL, so it may be cached
    /// privately until the URL expires; `If-None-Match` answers `304`.
    @Sendable func thumbnail(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let rawName = context.parameters.get("name") ?? ""
        guard let grant = files.verify(thumbnail: context.parameters.get("capability") ?? "", rawName: rawName) else {
            throw SMHError(.invalidAccessToken, "The thumbnail URL is invalid or has expired.")
        }
        guard let rendition = await previews.stored(sha256: grant.sha256, key: grant.key) else {
            throw SMHError(.fileNotFound, "This thumbnail no longer exists.")
        }
        let remaining = max(0, grant.expires - clock.now().milliseconds / 1000)
        var headers: HTTPFields = [
            .eTag: "\"\(grant.sha256.prefix(32))-\(grant.key)\"", .contentType: rendition.format.contentType,
            .cacheControl: "private, max-age=\(remaining)", .contentLength: String(rendition.stored.size),
            .contentDisposition: "inline; filename*=UTF-8''\(rawName)",
        ]
        if let match = request.headers[.ifNoneMatch], match == headers[.eTag] || match == "*" {
            headers[.contentLength] = nil
            return Response(status: .notModified, headers: headers)
        }
        if request.method == .head { return Response(status: .ok, headers: headers) }
        return Response(
            status: .ok, headers: headers,
            body: Self.stream(length: rendition.stored.size, reader: try await previews.open(rendition)))
    }

    /// A body read in `chunkSize` pieces as the client takes them.
    static func stream(length: Int64, reader: any BlobReader) -> ResponseBody {
        let reader = HandedOver(reader)
        return ResponseBody(contentLength: Int(length)) { writer in
            let reader = reader.value
            defer { reader.close() }
            while true {
                try await reader.fill()
                var buffer = ByteBuffer()
                let count = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.chunkSize) {
                    try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: $0.prefix(Self.chunkSize)))
                }
                if count == 0 { break }
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
        }
    }

    /// Starts the fsync of received bytes on a thread of the I/O pool, without waiting: concurrent uploads' flushes
    /// overlap, no event loop (where request tasks run, see ServeCommand) waits for the disk, and the commit at
    /// confirm — which must fsync before it publishes — usually finds the bytes on disk already.
    static func writeBack(_ work: @escaping @Sendable () -> Void) {
        NIOThreadPool.singleton.submit { state in
            if state == .active { work() }
        }
    }

    /// Streams a request body into a staging writer; nothing is kept unless every announced byte arrived.
    static func receive(
        _ request: Request, into writer: any BlobWriter, discard: (StagedBlob) async -> Void
    ) async throws -> StagedBlob {
        do {
            for try await buffer in request.body {
                try buffer.withUnsafeReadableBytes { try writer.write($0) }
                try await writer.drain()
            }
        } catch let error as SMHError where error.code == .internalServerError {
            await writer.abort()
            throw error  // the store failed, not the client
        } catch {
            await writer.abort()
            throw SMHError(.incompleteBody, "The body ended before it was complete.", cause: ErrorBox(error))
        }
        if let expected = request.headers[.contentLength].flatMap(Int64.init), expected != writer.bytesWritten {
            await writer.abort()
            throw SMHError(.incompleteBody, "Received \(writer.bytesWritten) of \(expected) bytes.")
        }
        let staged = try await writer.finish()
        if let header = request.headers[HTTPField.Name("Content-MD5")!] {
            // Base64 of the 16 MD5 bytes, as the COS SDKs send it.
            guard let raw = Data(base64Encoded: header), raw.count == 16, Array(raw).hexString == staged.digest.md5
            else {
                await discard(staged)
                throw SMHError(.badDigest, "The body does not match its Content-MD5.")
            }
        }
        return staged
    }

    /// F-04.2: 200 with `ETag` (quoted MD5) and `x-cos-hash-crc64ecma`. A repeated PUT replaces the content.
    /// F-04.3 with `?partNumber=&uploadId=`: one part of a multipart task, 200 with its `ETag`.
    @Sendable func putContent(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let key = context.parameters.get("confirmKey") ?? ""
        let query = QueryParameters(raw: request.uri.query.map { Substring($0) })
        let partNumber = query["partNumber"] ?? query["partnumber"]
        let uploadId = query["uploadId"] ?? query["uploadid"]
        var part: (number: String, uploadId: String)?
        if partNumber != nil || uploadId != nil { part = (partNumber ?? "", uploadId ?? "") }
        let session = try await uploads.authorizeContent(
            confirmKey: key, authorization: request.headers[.authorization], part: part)
        if let part, let number = Int(part.number) {
            let (blobs, upload) = (self.blobs, session.confirmKey)
            let staged = try await Self.receive(request, into: try await blobs.makePartWriter(upload: upload)) {
                await blobs.discardPart(upload: upload, stagingKey: $0.stagingKey)
            }
            Self.writeBack { blobs.writeBackPart(upload: upload, stagingKey: staged.stagingKey) }
            let received = try await uploads.receivedPart(session, number: number, staged: staged)
            context.logger.debug(
                "upload part received",
                metadata: ["part": .stringConvertible(number), "bytes": .stringConvertible(received.size)])
            var response = Response(status: .ok)
            response.headers[.eTag] = "\"\(received.md5)\""
            return response
        }
        let blobs = self.blobs
        let staged = try await Self.receive(request, into: try await blobs.makeWriter()) { await blobs.discard($0) }
        return try await attach(staged, to: session, status: .ok, context: context)
    }

    /// The content of a simple or form upload becomes the task's (replacing earlier content): its fsync starts on the
    /// I/O pool, the record is written, and the answer carries `ETag` and `x-cos-hash-crc64ecma`.
    func attach(
        _ staged: StagedBlob, to session: UploadSession, status: HTTPResponse.Status, context: SMHRequestContext
    ) async throws -> Response {
        let blobs = self.blobs
        Self.writeBack { blobs.writeBack(staged) }
        do {
            if let replaced = try await store.attachContent(confirmKey: session.confirmKey, staged, at: clock.now()) {
                await blobs.discard(replaced)
            }
        } catch {
            await blobs.discard(staged)
            throw error
        }
        context.logger.info(
            "upload content received",
            metadata: ["bytes": .stringConvertible(staged.digest.size), "sha256": .string(staged.digest.sha256)])
        var response = Response(status: status)
        response.headers[.eTag] = staged.digest.eTag
        response.headers[HTTPField.Name("x-cos-hash-crc64ecma")!] = String(staged.digest.crc64)
        return response
    }
}

/// A reader opened by the handler and used only by the body writer after it: one owner at a time, never shared.
struct HandedOver: @unchecked Sendable {
    let value: any BlobReader
    init(_ value: any BlobReader) { self.value = value }
}
