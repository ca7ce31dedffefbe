import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SMHBlobLocal
import SMHCore
import SMHHTTP
import SMHMedia
import SMHStoreSQL
import ServiceLifecycle

/// `smh serve`: migrate, then serve HTTP until SIGINT or SIGTERM, finishing in-flight requests.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP server.")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 8080

    @Option(help: "Admin key for /admin/v1 (or SMH_ADMIN_KEY). Generated on first start when neither is given.")
    var adminKey: String?

    @Option(help: "PEM certificate (chain) to serve HTTPS directly; needs --tls-key.")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "Bearer token GET /metrics asks for (default: /metrics is open; it holds no secret and no path).")
    var metricsToken: String?

    @Option(help: "SecretId of SMH's service API (TC3-signed API 3.0 calls on /); needs --api-secret-key.")
    var apiSecretId: String?

    @Option(
        help:
            "SecretKey of the service API (at least 16 characters; prefer SMH_API_SECRET_KEY). It also derives library secrets, so changing it makes DescribeLibrarySecret issue new ones."
    )
    var apiSecretKey: String?

    @Option(help: "Scheme, host and port that data-plane URLs carry, e.g. https://media.example.com.")
    var publicUrl: String?

    @Option(help: "Hours an unconfirmed upload task and its bytes are kept.")
    var uploadExpiryHours: Int64 = UploadSession.defaultPendingLifetimeSeconds / 3600

    @Option(help: "Seconds between two clean-ups of expired uploads and unreferenced blobs.")
    var sweepInterval: Int64 = 300

    @Option(help: "Batch operations with more items than this run as tasks (202 + taskId).")
    var batchSyncMaxItems: Int = 100

    @Option(
        help:
            "Seconds to keep trying an unreachable database or bucket at start before giving up (1-3600)."
    )
    var startupTimeout: Int = 30

    @Option(
        help:
            "Seconds in-flight requests (uploads and downloads included) get to finish after SIGTERM or SIGINT (0-3600)."
    )
    var shutdownTimeout: Int = 30

    @Option(help: "PostgreSQL connections the server opens and keeps (1-500).")
    var databasePoolSize: Int = 16

    @Option(help: "Minutes an unreferenced blob is kept before its bytes are deleted.")
    var blobGraceMinutes: Int64 = 60

    @Flag(help: "Turn thumbnails and video covers off (previews redirect to the original; previewByCI is false).")
    var noPreviews = false

    @Option(help: "Folder holding vips, vipsheader, ffmpeg and ffprobe (default: searched along PATH).")
    var mediaTools: String?

    @Option(help: "Image and video tools running at once (default: one per core).")
    var mediaWorkers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Seconds a thumbnail tool may run before it is killed.")
    var mediaTimeout: Double = 30

    @Option(help: "Memory (MiB of address space) each thumbnail tool may use.")
    var mediaMemoryMib: Int64 = 2048

    @Option(help: "Pictures declaring more pixels than this are not decoded; their preview is the original.")
    var maxImagePixels: Int64 = 250_000_000

    @Option(help: "Square thumbnail sizes made right after an upload, comma-separated; empty for none.")
    var pregenerateThumbnails: String = "256"

    /// The media flags, checked.
    /// Checked before anything starts; ArgumentParser exits 64 (EX_USAGE) with the one line.
    func validate() throws {
        guard (1...3600).contains(startupTimeout) else {
            throw ValidationError("--startup-timeout must be 1 to 3600 seconds.")
        }
        guard (0...3600).contains(shutdownTimeout) else {
            throw ValidationError("--shutdown-timeout must be 0 to 3600 seconds.")
        }
        if let metricsToken, metricsToken.count < 16 {
            throw ValidationError("--metrics-token must be at least 16 characters.")
        }
        guard (apiSecretId == nil) == (apiSecretKey == nil) else {
            throw ValidationError("--api-secret-id and --api-secret-key go together.")
        }
        if let apiSecretId,
            apiSecretId.isEmpty || apiSecretId.count > 128 || apiSecretId.contains(where: \.isWhitespace)
        {
            throw ValidationError("--api-secret-id must be 1 to 128 characters without spaces.")
        }
        if let apiSecretKey, apiSecretKey.count < 16 {
            throw ValidationError("--api-secret-key must be at least 16 characters.")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together.")
        }
        _ = try tlsServer()
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1 to 65535 (got \(port)).") }
        if let publicUrl {
            guard publicUrl.hasPrefix("http://") || publicUrl.hasPrefix("https://"), publicUrl.count > 8,
                !publicUrl.contains(where: { $0 == " " || $0 == "?" || $0 == "#" })
            else {
                throw ValidationError(
                    "--public-url must be an http:// or https:// URL, optionally with a path (got \(publicUrl)).")
            }
        }
    }

    /// HTTP/1.1, in TLS when a certificate and key are given (read and checked here, before anything starts).
    func tlsServer(fastLane: FastLane? = nil) throws -> HTTPServerBuilder {
        guard let tlsCert, let tlsKey else { return plainHTTP1(fastLane: fastLane) }
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(tlsCert)
        } catch {
            throw ValidationError("--tls-cert: no PEM certificate could be read from \(tlsCert) (\(error)).")
        }
        do {
            key = try NIOSSLPrivateKey(file: tlsKey, format: .pem)
        } catch {
            throw ValidationError("--tls-key: no PEM private key could be read from \(tlsKey) (\(error)).")
        }
        guard !chain.isEmpty else { throw ValidationError("--tls-cert: \(tlsCert) holds no certificate.") }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            return try .tls(plainHTTP1(fastLane: fastLane), tlsConfiguration: configuration)
        } catch {
            throw ValidationError("--tls-cert/--tls-key: \(error)")
        }
    }

    func mediaSettings() throws -> MediaSettings {
        var media = MediaSettings()
        media.enabled = !noPreviews
        media.toolDirectory = mediaTools
        guard (1...64).contains(mediaWorkers) else { throw ValidationError("--media-workers must be 1 to 64.") }
        media.workers = mediaWorkers
        guard mediaTimeout > 0, mediaTimeout <= 3600 else {
            throw ValidationError("--media-timeout must be 1 to 3600 seconds.")
        }
        media.timeoutSeconds = mediaTimeout
        guard mediaMemoryMib >= 64 else { throw ValidationError("--media-memory-mib must be at least 64.") }
        media.toolMemoryBytes = mediaMemoryMib << 20
        guard maxImagePixels >= 1 else { throw ValidationError("--max-image-pixels must be positive.") }
        media.maxImagePixels = maxImagePixels
        var sizes: [Int] = []
        for part in pregenerateThumbnails.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let size = Int(trimmed), (1...RenditionSpec.maxEdge).contains(size) else {
                throw ValidationError("--pregenerate-thumbnails takes sizes from 1 to \(RenditionSpec.maxEdge).")
            }
            sizes.append(size)
        }
        media.pregenerateSizes = sizes
        return media
    }

    func run() async throws {
        if Environment.value("SMH_NIO_EXECUTOR") != "0" {
            // Tasks then run on NIO's event loops: a request no longer hops between the loop that reads its bytes and
            // Swift's own thread pool, which was a large share of a small request's cost (docs/BENCHMARKS.md).
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        MallocTuning.apply()
        let logger = try storeOptions.makeLogger()
        guard (1...500).contains(databasePoolSize) else {
            throw ValidationError("--database-pool-size must be 1 to 500.")
        }
        // Every option is checked before anything is opened or migrated.
        guard uploadExpiryHours >= 1, sweepInterval >= 1, blobGraceMinutes >= 0 else {
            throw ValidationError("--upload-expiry-hours and --sweep-interval must be positive.")
        }
        let media = try mediaSettings()
        var location = storeOptions.location
        location.databasePoolSize = databasePoolSize
        let given = adminKey ?? Environment.value("SMH_ADMIN_KEY")
        // On PostgreSQL instances share the database, so a generated key is kept there (every instance accepts it);
        // on SQLite in the data folder beside the database.
        let shared = given == nil && location.databaseURL != nil
        let resolved = shared ? nil : try AdminKey.resolveHash(given: given, dataDirectory: location.dataDirectory)

        let (blobs, renditions) = try await storeOptions.openStorage(logger: logger, startupTimeout: startupTimeout)
        let (store, service) = try await location.open(logger: logger)
        // The PostgreSQL pool (if any) runs beside the server for its whole life; migrations and the shared settings
        // are read before the server listens, so /health answers 200 only when requests can be served.
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let service { group.addTask { try await service.run() } }
            let applied = try await StartupRetry.run("the metadata database", seconds: startupTimeout, logger: logger) {
                do {
                    return try await store.migrate()
                } catch let tooNew as SQLStore.SchemaTooNew {
                    throw StartupFailure("\(tooNew)")  // waiting will not help
                }
            }
            logger.info(
                "metadata store ready",
                metadata: [
                    "backend": .string(store.dialect.rawValue), "migrations_applied": .stringConvertible(applied),
                ])
            let (hash, announcement) =
                if let resolved { resolved } else { try await AdminKey.resolveHash(in: store) }
            if let announcement {
                // Written unbuffered: the key must reach a redirected log even if the server is killed right after.
                FileHandle.standardOutput.write(Data((announcement + "\n").utf8))
            }
            var settings = ServerSettings(host: host, port: port, publicURL: publicUrl, adminKeyHash: hash)
            settings.metricsTokenHash = metricsToken.map(SecretHash.hash)
            settings.servesTLS = tlsCert != nil
            if let apiSecretId, let apiSecretKey {
                settings.serviceAPI = ServiceAPICredentials(secretId: apiSecretId, secretKey: apiSecretKey)
            }
            var deps = try await AppDependencies.load(
                store: store, blobs: blobs, renditions: renditions, workDirectory: location.dataDirectory, media: media,
                logger: logger)
            let tools = deps.previews.tools
            if !noPreviews && !tools.missing.isEmpty {
                logger.warning(
                    "media tools missing: photos preview as their originals, videos have no cover",
                    metadata: [
                        "missing": .string(tools.missing.joined(separator: ",")),
                        "install": "apt-get install libvips-tools ffmpeg",
                    ])
            }
            deps.pendingUploadLifetimeSeconds = uploadExpiryHours * 3600
            let sweeper = Sweeper(
                deps: deps, intervalSeconds: sweepInterval, blobGraceSeconds: blobGraceMinutes * 60, logger: logger)
            deps.batchSyncMaxItems = batchSyncMaxItems
            // Bodiless API requests answered in the channel pipeline (`FastLaneHandler`); `SMH_FAST_LANE=0` sends
            // every request through Hummingbird's own loop (a comparison, and a way back).
            let fastLane = Environment.value("SMH_FAST_LANE") == "0" ? nil : FastLane(logger: logger)
            let application = buildApplication(
                deps, settings: settings, server: try tlsServer(fastLane: fastLane),
                services: [sweeper, deps.jobRunner(logger: logger)], fastLane: fastLane, logger: logger)
            // Services stop in reverse order: the announcement first, then the listener, which stops accepting and
            // lets in-flight requests finish, then the background work they started; past the timeout the group is
            // cancelled and they are cut.
            var configuration = ServiceGroupConfiguration(
                services: [
                    BackgroundService(deps.background), application,
                    ShutdownAnnouncement(timeoutSeconds: shutdownTimeout, logger: logger),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            configuration.maximumGracefulShutdownDuration = .seconds(shutdownTimeout)
            let serviceGroup = ServiceGroup(configuration: configuration)
            if Environment.value("SMH_NIO_EXECUTOR") != "0" {
                // Inherited by every task the services start, Hummingbird's connection tasks among them.
                try await withTaskExecutorPreference(EventLoopTaskExecutor()) { try await serviceGroup.run() }
            } else {
                try await serviceGroup.run()
            }
            group.cancelAll()
        }
        await store.close()
        logger.info("stopped")
    }
}
