import Hummingbird
import HummingbirdCore
import Logging
import SMHCore
import SMHMedia
import SMHStoreSQL
import ServiceLifecycle

/// The dependencies every controller draws from, built once at start-up.
public struct AppDependencies: Sendable {
    public var store: SQLStore
    public let blobs: any BlobStore
    public let signer: DataPlaneSigner
    public let clock: any Clock
    /// Thumbnails and video covers (spec 20 F-12, D-12); `ServeCommand` configures it from its flags.
    public var previews: PreviewService
    /// Running digests of multipart uploads, shared by the data plane (which advances them) and confirm.
    public let digests = PartDigests()
    /// How long a pending upload task and its bytes are kept (`--upload-expiry-hours`).
    public var pendingUploadLifetimeSeconds = UploadSession.defaultPendingLifetimeSeconds
    /// Counters and histograms of this process, exposed at `GET /metrics`.
    public let metrics = ServerMetrics()
    /// Work requests start and do not wait for; `smh serve` runs it under its service group (`BackgroundService`).
    public let background = BackgroundWork()

    public init(
        store: SQLStore, blobs: any BlobStore, signer: DataPlaneSigner, clock: any Clock = SystemClock(),
        previews: PreviewService
    ) {
        self.store = store
        self.blobs = blobs
        self.signer = signer
        self.clock = clock
        self.previews = previews
        self.recentUses = RecentUseRecorder(store: store, background: background, logger: Logger(label: "smh.recent"))
    }

    /// Recent uses (spec 30 §7.1), collected and written in batches.
    let recentUses: RecentUseRecorder

    /// Batches with more items than this run as tasks (spec 30 §5.0 `batchSyncMaxItems`).
    public var batchSyncMaxItems = 100

    var batchController: BatchController {
        BatchController(
            batch: BatchService(
                files: FileService(store: store, signer: signer, clock: clock),
                directories: DirectoryService(store: store, clock: clock)),
            access: AccessService(store: store, clock: clock), jobs: store, syncMaxItems: batchSyncMaxItems)
    }

    func recycleController(publicURL: String?) -> RecycleController {
        RecycleController(
            recycle: RecycleService(store: store, clock: clock),
            files: FileService(store: store, signer: signer, clock: clock),
            access: AccessService(store: store, clock: clock), publicURL: publicURL, jobs: store,
            syncMaxItems: batchSyncMaxItems, previews: previews)
    }

    /// Directory copies with more entries than this run as tasks (spec 20 D-06: default 1000).
    public var copyTaskAboveEntries = 1000

    var directoryController: DirectoryController {
        DirectoryController(
            directories: DirectoryService(store: store, clock: clock),
            access: AccessService(store: store, clock: clock),
            jobs: store, copyTaskAbove: copyTaskAboveEntries)
    }

    var historyController: HistoryController {
        HistoryController(
            history: HistoryService(store: store, clock: clock), access: AccessService(store: store, clock: clock),
            jobs: store, clock: clock)
    }

    /// The runner of queued tasks, with a handler for every kind of task this server creates.
    public func jobRunner(logger: Logger) -> JobRunner {
        let registry = TaskRegistry(
            batch: batchController, directories: directoryController, recycle: recycleController(publicURL: nil),
            history: historyController)
        return JobRunner(
            store: store,
            handlers: Dictionary(uniqueKeysWithValues: TaskParameters.kinds.map { ($0, registry.run) }),
            clock: clock, metrics: metrics, logger: logger)
    }

    public var uploads: UploadService<SQLStore> {
        UploadService(
            store: store, blobs: blobs, signer: signer, clock: clock, digests: digests, background: background,
            pendingLifetimeSeconds: pendingUploadLifetimeSeconds)
    }

    /// Builds the dependencies of a migrated store (`renditions`: where thumbnails are kept, by default the local
    /// `workDirectory`, which also holds this instance's scratch files, never blobs); the data-plane signing key is shared through the database, so
    /// every instance accepts the URLs any other one issued.
    public static func load(
        store: SQLStore, blobs: any BlobStore, renditions: (any RenditionStore)? = nil, workDirectory: String,
        clock: any Clock = SystemClock(),
        media: MediaSettings = MediaSettings(),
        logger: Logger = Logger(label: "smh.media")
    ) async throws -> AppDependencies {
        let secret = try await store.sharedSetting("data_plane_key") { RandomToken.alphanumeric(count: 48) }
        return AppDependencies(
            store: store, blobs: blobs, signer: DataPlaneSigner(secret: secret), clock: clock,
            previews: try PreviewService(
                blobs: blobs, renditions: renditions, workDirectory: workDirectory, settings: media, infoStore: store,
                logger: logger))
    }
}

/// Routes and middleware. Middleware is added first: Hummingbird applies it only to routes added after it, and the
/// not-found responder gets it too, so unknown routes also answer SMH's JSON error.
public func buildRouter(_ deps: AppDependencies, settings: ServerSettings) -> Router<SMHRequestContext> {
    let router = Router(context: SMHRequestContext.self)
    router.add(middleware: SMHCORSMiddleware())
    router.add(middleware: RequestLifecycleMiddleware(previewSupport: deps.previews.support, metrics: deps.metrics))
    router.get("/health") { _, _ in
        JSON.response(["status": "ok"])
    }
    ReadinessController(store: deps.store, blobs: deps.blobs, timeoutSeconds: 2).register(on: router)
    router.get("/openapi.json") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
    }
    MetricsController(
        metrics: deps.metrics, store: deps.store, previews: deps.previews, tokenHash: settings.metricsTokenHash
    ).register(on: router)
    let libraries = LibraryService(
        store: deps.store, clock: deps.clock,
        secrets: settings.serviceAPI.map { LibrarySecretIssuer(serverKey: $0.secretKey) })
    AdminController(libraries: libraries, adminKeyHash: settings.adminKeyHash).register(on: router)
    TokenController(tokens: TokenService(store: deps.store, clock: deps.clock)).register(on: router)
    // The business API: one group whose middleware establishes the caller before any handler runs.
    let business = router.group().add(
        middleware: CallerMiddleware(access: AccessService(store: deps.store, clock: deps.clock)))
    SpaceController(
        spaces: SpaceService(store: deps.store, clock: deps.clock),
        access: AccessService(store: deps.store, clock: deps.clock)
    ).register(on: business)
    FileController(
        uploads: deps.uploads, files: FileService(store: deps.store, signer: deps.signer, clock: deps.clock),
        access: AccessService(store: deps.store, clock: deps.clock), publicURL: settings.dataPlaneURL,
        previews: deps.previews,
        followUp: MediaFollowUp(
            previews: deps.previews, store: deps.store, background: deps.background, logger: deps.previews.logger),
        recentUses: deps.recentUses, metrics: deps.metrics
    ).register(on: business)
    RecentController(
        recent: RecentService(store: deps.store, clock: deps.clock),
        access: AccessService(store: deps.store, clock: deps.clock), recorder: deps.recentUses
    ).register(on: business)
    let dataPlane = DataPlaneController(
        uploads: deps.uploads, files: FileService(store: deps.store, signer: deps.signer, clock: deps.clock),
        store: deps.store, blobs: deps.blobs, clock: deps.clock, previews: deps.previews)
    dataPlane.register(on: router)
    // `/` serves two callers: SMH's service API (signed API 3.0 calls) and form uploads (F-04.4).
    let service = ServiceAPIController(
        libraries: libraries, credentials: settings.serviceAPI, settings: settings, clock: deps.clock)
    router.post("/") { request, context in
        ServiceAPIController.claims(request)
            ? await service.answer(request, context: context) : try await dataPlane.postForm(request, context: context)
    }
    router.get("/") { request, context in
        guard ServiceAPIController.claims(request) else { throw SMHError(.routeNotFound, "No such API.") }
        return await service.answer(request, context: context)
    }
    AlbumController(
        directories: DirectoryService(store: deps.store, clock: deps.clock),
        access: AccessService(store: deps.store, clock: deps.clock),
        responder: PreviewResponder(
            previews: deps.previews, files: FileService(store: deps.store, signer: deps.signer, clock: deps.clock),
            publicURL: settings.dataPlaneURL)
    ).register(on: business)
    deps.batchController.register(on: business)
    TaskController(access: AccessService(store: deps.store, clock: deps.clock), store: deps.store).register(
        on: business)
    SearchController(
        search: SearchService(store: deps.store, clock: deps.clock),
        access: AccessService(store: deps.store, clock: deps.clock)
    ).register(on: business)
    FavoriteController(
        favorites: FavoriteService(store: deps.store, clock: deps.clock),
        access: AccessService(store: deps.store, clock: deps.clock)
    ).register(on: business)
    deps.historyController.register(on: business)
    QuotaController(
        quotas: QuotaService(store: deps.store, clock: deps.clock),
        access: AccessService(store: deps.store, clock: deps.clock)
    ).register(on: business)
    deps.recycleController(publicURL: settings.dataPlaneURL).register(on: business)
    deps.directoryController.register(on: business)
    return router
}

/// HTTP/1.1 as the server speaks it: `Expect: 100-continue` answered before a large body is sent, bodiless API
/// requests answered in the fast lane when one is given. `smh` wraps it in TLS when asked to.
public func plainHTTP1(fastLane: FastLane? = nil) -> HTTPServerBuilder {
    .http1(
        configuration: .init(
            additionalChannelHandlers: {
                guard let fastLane else { return [ExpectContinueHandler(), DrainBeforeCloseHandler()] }
                return [ExpectContinueHandler(), DrainBeforeCloseHandler(), FastLaneHandler(lane: fastLane)]
            }()))
}

/// The whole server: the router on an HTTP listener, plus whatever services (a PostgreSQL pool) it depends on.
public func buildApplication(
    _ deps: AppDependencies,
    settings: ServerSettings,
    server: HTTPServerBuilder = plainHTTP1(),
    services: [any Service] = [],
    fastLane: FastLane? = nil,
    logger: Logger
) -> Application<RouterResponder<SMHRequestContext>> {
    let responder = buildRouter(deps, settings: settings).buildResponder()
    fastLane?.install(responder)
    return Application(
        responder: responder,
        server: server,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: FastLane.serverName),
        services: services,
        logger: logger
    )
}
