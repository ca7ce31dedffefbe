import Foundation
import HTTPTypes
import Hummingbird
import SMHCore
import SMHMedia
import SMHStoreSQL

/// The file group (spec 20 §2–4): begin uploads (F-01 simple, F-02 multipart, F-03 form), renew (F-05), state (F-06),
/// abort (F-08), confirm (F-07), download (F-09), info and download URL (F-10), HEAD (F-11), previews (F-12, F-13),
/// by inode (F-14), delete (F-16), move, copy and links (F-17 … F-19). Dispatch follows spec 20 §1.3; the operations
/// it leaves unspecified (templates, virtual files, conversion) answer `501 FunctionNotEnabled`.
struct FileController {
    let uploads: UploadService<SQLStore>
    let files: FileService<SQLStore>
    let access: AccessService<SQLStore>
    let publicURL: String?
    let previews: PreviewService
    let followUp: MediaFollowUp
    let recentUses: RecentUseRecorder
    let metrics: ServerMetrics

    /// Spec 20 F-09/F-12 `purpose=preview` and every confirmed upload enter the caller's recent uses (spec 30 §7.1).
    func recordUse(_ caller: Caller, _ input: BusinessRequest, _ node: Node, _ action: RecentUse.Action) {
        recentUses.record(
            RecentUse(
                libraryId: caller.library.id, spaceId: SpaceID(input.parameter("spaceId")), userId: caller.userId,
                inode: node.inode, action: action, at: access.clock.now()))
    }

    func register(on router: some RouterMethods<SMHRequestContext>) {
        for path in ["/api/v1/file/:libraryId/:spaceId", "/api/v1/file/:libraryId/:spaceId/**"] {
            router.put(RouterPath(path), use: put)
            router.post(RouterPath(path), use: post)
            router.get(RouterPath(path), use: get)
            router.head(RouterPath(path), use: head)
            router.delete(RouterPath(path), use: delete)
        }
        router.get("/api/v1/inode/:libraryId/:spaceId/:inode", use: byInode)
    }

    struct BeginBody: Decodable {
        let from: String?
        let copyFrom: String?
        let linkTo: String?
        let fromTemplate: String?
    }

    /// PUT: begin a simple upload, unless the body asks for a move, copy, link or template (not built yet).
    @Sendable func put(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        if input.query.flag("convert") || input.query.flag("virtual_file") {
            throw SMHError.notImplemented("This file operation")
        }
        let body = try await JSON.decode(BeginBody.self, from: &request)
        let actions = [body.from, body.copyFrom, body.linkTo, body.fromTemplate].compactMap { $0 }
        guard actions.count <= 1 else {
            throw SMHError(.paramInvalid, "Give one of from, copyFrom, linkTo and fromTemplate, not several.")
        }
        if body.fromTemplate != nil { throw SMHError.notImplemented("Files from templates") }
        let strategy = try ConflictStrategy.parse(input.query, for: .file)
        if let linkTo = body.linkTo {
            let path = try await files.createSymlink(
                caller, space: input.parameter("spaceId"), rawPath: try request.itemTail(), linkTo: linkTo,
                strategy: strategy)
            return JSON.response(SymlinkWire(path: path, name: path.last ?? "", type: "symlink"))
        }
        if let copyFrom = body.copyFrom {
            let path = try await files.copy(
                caller, space: input.parameter("spaceId"), rawPath: try request.itemTail(), from: copyFrom,
                strategy: strategy)
            return JSON.response(MovedWire(path: path))
        }
        if let from = body.from {
            let path = try await files.move(
                caller, space: input.parameter("spaceId"), rawPath: try request.itemTail(), from: from,
                strategy: strategy)
            return JSON.response(MovedWire(path: path))
        }
        return try await begin(request, input, caller, strategy: strategy, multipart: false)
    }

    /// F-01 (PUT) and F-02 (POST `?multipart`): 201 with the data-plane target, or 202/200 for instant upload.
    func begin(
        _ request: Request, _ input: BusinessRequest, _ caller: Caller, strategy: ConflictStrategy, multipart: Bool,
        form: Bool = false
    ) async throws -> Response {
        var request = request
        let instant = try await JSON.decode(InstantBody.self, from: &request)
        let outcome = try await uploads.begin(
            caller, space: input.parameter("spaceId"), rawPath: try request.itemTail(), strategy: strategy,
            expectedSize: try input.query.int("filesize").map(Int64.init), metaData: Self.metaData(request.headers),
            description: try await JSON.decode(DescriptionPatch.self, from: &request), multipart: multipart,
            instant: UploadService<SQLStore>.InstantRequest(
                size: instant.size?.value, beginningHash: instant.beginningHash, fullHash: instant.fullHash))
        switch outcome {
        case .task: metrics.uploadsBegun.increment()
        case .created: metrics.uploadsConfirmed.increment()  // an instant upload: the content was already stored
        case .beginningMatched: break
        }
        switch outcome {
        case .beginningMatched:
            return Response(status: .accepted)
        case .created(let path, let node, let overwritten):
            return JSON.response(
                ConfirmWire(
                    node: node, path: path, overwritten: overwritten, libraryType: caller.library.settings.libraryType,
                    withInode: try input.query.bool("with_inode")))
        case .task(let ticket) where form:
            return JSON.response(status: .created, try FormBeginWire(ticket, request: request, publicURL: publicURL))
        case .task(let ticket):
            return JSON.response(status: .created, try BeginWire(ticket, request: request, publicURL: publicURL))
        }
    }

    struct ConfirmBody: Decodable {
        let crc64: String?
    }

    /// POST: `?multipart` begins a multipart upload (F-02), `?renew` renews one (F-05), `?confirm` completes any
    /// (F-07), no flag begins a form upload (F-03).
    @Sendable func post(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        if input.query.flag("multipart") {
            return try await begin(
                request, input, caller, strategy: try ConflictStrategy.parse(input.query, for: .file),
                multipart: true)
        }
        let key = String(try request.itemTail().split(separator: "/").last ?? "")
        if input.query.flag("renew") {
            let ticket = try await uploads.renew(caller, space: input.parameter("spaceId"), confirmKey: key)
            return JSON.response(try BeginWire(ticket, request: request, publicURL: publicURL))
        }
        guard input.query.flag("confirm") else {
            // F-03: no flag begins a form upload; the form is then posted to the data plane (F-04.4).
            return try await begin(
                request, input, caller, strategy: try ConflictStrategy.parse(input.query, for: .file),
                multipart: false, form: true)
        }
        let body = try await JSON.decode(ConfirmBody.self, from: &request)
        let description = try await JSON.decode(DescriptionPatch.self, from: &request)
        let strategyGiven =
            input.query["conflict_resolution_strategy"] ?? input.query["conflict-resolution-strategy"]
        let strategy = strategyGiven == nil ? nil : try ConflictStrategy.parse(input.query, for: .file)
        let (path, node, overwritten) = try await uploads.confirm(
            caller, space: input.parameter("spaceId"), confirmKey: key, strategyOverride: strategy,
            crc64: body.crc64, description: description)
        metrics.uploadsConfirmed.increment()
        followUp.afterConfirm(node)
        recordUse(caller, input, node, .modify)
        return JSON.response(
            ConfirmWire(
                node: node, path: path, overwritten: overwritten, libraryType: caller.library.settings.libraryType,
                withInode: try input.query.bool("with_inode")))
    }

    /// F-06: the state of an upload task, with its parts and fresh credentials to resume.
    func uploadState(_ request: Request, _ input: BusinessRequest, _ caller: Caller) async throws -> Response {
        let key = String(try request.itemTail().split(separator: "/").last ?? "")
        let state = try await uploads.state(caller, space: input.parameter("spaceId"), confirmKey: key)
        let name = state.session.path.name ?? ""
        var partInfo: UploadPartInfoWire?
        if let ticket = state.ticket, try !input.query.bool("no_upload_part_info") {
            let begin = try BeginWire(ticket, request: request, publicURL: publicURL)
            partInfo = UploadPartInfoWire(
                domain: begin.domain, path: begin.path, uploadId: begin.uploadId, headers: begin.headers,
                expiration: begin.expiration)
        }
        let type = NodeWire.fileType(named: name, libraryType: caller.library.settings.libraryType)
        return JSON.response(
            UploadStateWire(
                confirmed: state.session.state == .confirmed, path: state.path, type: type,
                creationTime: state.session.createdAt.iso8601,
                conflictResolutionStrategy: state.session.strategy.rawValue,
                force: state.session.strategy == .overwrite, availableDomainNum: 1, uploadId: state.session.uploadId,
                parts: state.session.kind == .multipart
                    ? state.parts.map {
                        PartWire(
                            number: $0.number, lastModified: $0.receivedAt.iso8601, eTag: "\"\($0.md5)\"",
                            size: $0.size)
                    } : nil,
                uploadPartInfo: partInfo))
    }

    /// GET: `?info` (F-10), `?preview` (F-12 thumbnails and covers, F-13 documents), else the download redirect (F-09).
    @Sendable func get(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        if input.query.flag("upload") { return try await uploadState(request, input, caller) }
        let (path, node, linkTo) = try await files.file(
            caller, space: input.parameter("spaceId"), rawPath: try request.itemTail(),
            historyId: input.query["history_id"])
        // With `info`, `preview=1` asks for a preview link, and the download link is the answer (spec 20 F-10).
        if input.query["purpose"] == "preview" && !input.query.flag("info") {
            recordUse(caller, input, node, .preview)
        }
        if input.query.flag("preview") && !input.query.flag("info") {
            return try await PreviewResponder(previews: previews, files: files, publicURL: publicURL)
                .respond(to: node, query: input.query, request: request)
        }
        let attachment = try Self.attachment(input.query)
        let type = NodeWire(
            node: node, path: path, libraryType: caller.library.settings.libraryType, withInode: false
        ).type
        if input.query.flag("info") {
            var period = FileService<SQLStore>.defaultPeriod
            if let asked = try input.query.int("period") {
                guard (60...7200).contains(asked) else {
                    throw SMHError(.paramInvalid, "period must be 60 to 7200.")
                }
                period = Int64(asked)
            }
            let url =
                try input.query.bool("pre_check")
                ? nil : try absolute(files.downloadPath(for: node, attachment: attachment, period: period), request)
            var wire = FileInfoWire(node: node, path: path, type: type, cosUrl: url, linkTo: linkTo)
            if try input.query.bool("with_media_info"), let sha = node.blobSha256,
                ["image", "video"].contains(FileKinds.fileType(of: node.name))
            {
                wire.mediaInfo = await previews.information(sha256: sha, name: node.name).map(MediaInfoWire.init)
            }
            if try input.query.bool("with_favorite_status") {
                let space = try await access.space(input.parameter("spaceId"), for: caller, operation: .read)
                wire.isFavorite = try await files.store.favorited(
                    library: caller.library.id, space: space.id, userId: caller.userId, among: [node.inode]
                ).contains(node.inode)
            }
            return JSON.response(wire)
        }
        var response = Response(status: .found)
        response.headers[.location] = try absolute(files.downloadPath(for: node, attachment: attachment), request)
        Self.addFileHeaders(node, type: type, to: &response.headers)
        return response
    }

    /// HEAD (F-11): the headers of F-09 without `Location`; 404 without a body when there is no file.
    @Sendable func head(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let (path, node, _) = try await files.file(
            caller, space: input.parameter("spaceId"), rawPath: try request.itemTail(),
            historyId: input.query["history_id"])
        let type = NodeWire(
            node: node, path: path, libraryType: caller.library.settings.libraryType, withInode: false
        ).type
        var response = Response(status: .ok)
        Self.addFileHeaders(node, type: type, to: &response.headers)
        return response
    }

    /// F-14: the entry with an inode, wherever it is now.
    @Sendable func byInode(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let (path, node) = try await files.byInode(
            caller, space: input.parameter("spaceId"), inode: input.parameter("inode"))
        return JSON.response(
            NodeWire(
                node: node, path: path, libraryType: caller.library.settings.libraryType,
                withInode: try input.query.bool("with_inode")))
    }

    /// DELETE: `?upload` aborts an upload (not built yet); otherwise F-16.
    @Sendable func delete(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        if input.query.flag("upload") {
            // F-08
            let key = String(try request.itemTail().split(separator: "/").last ?? "")
            try await uploads.abort(caller, space: input.parameter("spaceId"), confirmKey: key)
            return Response(status: .noContent)
        }
        let recycled = try await files.delete(
            caller, space: input.parameter("spaceId"), rawPath: try request.itemTail(),
            permanent: try input.query.bool("permanent"))
        guard let recycled else { return Response(status: .noContent) }
        return JSON.response(DirectoryController.RecycledWire(recycledItemId: recycled))
    }

    static func attachment(_ query: QueryParameters) throws -> Bool {
        switch query["content_disposition"] {
        case nil, "", "inline": return false
        case "attachment": return true
        default: throw SMHError(.paramInvalid, "content_disposition must be inline or attachment.")
        }
    }

    func absolute(_ path: String, _ request: Request) throws -> String {
        try DataPlaneURL.absolute(path, publicURL: publicURL, request: request)
    }

    /// The `x-smh-*` headers of spec 10 §1.10. Metadata values that are not printable ASCII are percent-encoded.
    static func addFileHeaders(_ node: Node, type: String, to headers: inout HTTPFields) {
        headers[HTTPField.Name("x-smh-type")!] = type
        headers[HTTPField.Name("x-smh-creation-time")!] = node.createdAt.iso8601
        headers[HTTPField.Name("x-smh-modification-time")!] = node.updatedAt.iso8601
        headers[HTTPField.Name("x-smh-content-type")!] = node.contentType
        headers[HTTPField.Name("x-smh-size")!] = String(node.size)
        headers[HTTPField.Name("x-smh-etag")!] = node.wireETag
        headers[HTTPField.Name("x-smh-crc64")!] = node.crc64 ?? "0"
        for (key, value) in node.metaData.sorted(by: { $0.key < $1.key }) {
            guard let name = HTTPField.Name(key) else { continue }
            let printable = value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
            headers[name] = printable ? value : DownloadCapability.encodeName(value)
        }
    }

    /// `x-smh-meta-*` request headers, keys lower-cased as spec 10 §1.10 keeps them.
    static func metaData(_ headers: HTTPFields) -> [String: String] {
        var meta: [String: String] = [:]
        for field in headers where field.name.canonicalName.hasPrefix("x-smh-meta-") {
            if meta.count < 64 && field.value.utf8.count <= 2048 { meta[field.name.canonicalName] = field.value }
        }
        return meta
    }

}
