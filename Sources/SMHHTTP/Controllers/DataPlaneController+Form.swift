import HTTPTypes
import Hummingbird
import SMHCore

extension DataPlaneController {
    /// F-04.4: a form upload. The fields (`key`, `policy`, …) come first, the file last in a field named `file`; the
    /// file's bytes stream into the staging area as they arrive (never held whole), and the answer is `204` with the
    /// `ETag`. The task is then confirmed as any other (F-07).
    @Sendable func postForm(_ request: Request, context: SMHRequestContext) async throws -> Response {
        guard let contentType = request.headers[.contentType],
            let boundary = MultipartFormParser.boundary(contentType: contentType)
        else {
            throw SMHError(.paramInvalid, "A form upload is multipart/form-data with a boundary.")
        }
        var parser = MultipartFormParser(boundary: boundary)
        var fields: [String: String] = [:]
        var writer: (any BlobWriter)?
        var session: UploadSession?
        var staged: StagedBlob?
        let blobs = self.blobs
        do {
            for try await buffer in request.body {
                let events = try buffer.withUnsafeReadableBytes { try parser.feed($0) }
                for event in events {
                    switch event {
                    case .field(let name, let value):
                        guard fields.count < 64 else { throw SMHError(.paramInvalid, "The form has too many fields.") }
                        fields[name] = value
                    case .fileStart(let name, _):
                        guard name == "file", writer == nil, staged == nil else {
                            throw SMHError(.paramInvalid, "The form carries one file, in a field named file.")
                        }
                        session = try await uploads.authorizeContent(
                            confirmKey: fields["key"] ?? "", authorization: fields["policy"] ?? fields["Signature"])
                        writer = try await blobs.makeWriter()
                    case .fileBytes(let bytes):
                        try bytes.withUnsafeBytes { try writer?.write($0) }
                        try await writer?.drain()
                    case .fileEnd:
                        staged = try await writer?.finish()
                        writer = nil
                    }
                }
            }
        } catch {
            await writer?.abort()
            if let staged { await blobs.discard(staged) }
            if let failure = error as? SMHError, failure.code != .internalServerError { throw failure }
            throw SMHError(.incompleteBody, "The body ended before it was complete.", cause: ErrorBox(error))
        }
        guard parser.isComplete, let staged, let session else {
            await writer?.abort()
            if let staged { await blobs.discard(staged) }
            throw SMHError(.incompleteBody, "The form ended before its file did (or had no file field).")
        }
        return try await attach(staged, to: session, status: .noContent, context: context)
    }
}
