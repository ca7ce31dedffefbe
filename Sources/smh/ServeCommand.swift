import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import SMHBlobLocal
import SMHCore
import SMHHTTP
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

    @Option(help: "Scheme, host and port that data-plane URLs carry, e.g. https://media.example.com.")
    var publicUrl: String?

    @Option(help: "Hours an unconfirmed upload task and its bytes are kept.")
    var uploadExpiryHours: Int64 = UploadSession.defaultPendingLifetimeSeconds / 3600

    @Option(help: "Seconds between two clean-ups of expired uploads and unreferenced blobs.")
    var sweepInterval: Int64 = 300

    @Option(help: "Batch operations with more items than this run as tasks (202 + taskId).")
    var batchSyncMaxItems: Int = 100

    @Option(help: "PostgreSQL connections the server opens and keeps (1-500).")
    var databasePoolSize: Int = 16

    @Option(help: "Minutes an unreferenced blob is kept before its bytes are deleted.")
    var blobGraceMinutes: Int64 = 60

    func run() async throws {
        if Environment.value("SMH_NIO_EXECUTOR") != "0" {
            // Tasks then run on NIO's event loops: a request no longer hops between the loop that reads its bytes and
            // Swift's own thread pool, which was a large share of a small request's cost (docs/BENCHMARKS.md).
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        let logger = try storeOptions.makeLogger()
        guard (1...500).contains(databasePoolSize) else {
            throw ValidationError("--database-pool-size must be 1 to 500.")
        }
        var location = storeOptions.location
        location.databasePoolSize = databasePoolSize
        let (hash, announcement) = try AdminKey.resolveHash(
            given: adminKey ?? Environment.value("SMH_ADMIN_KEY"), dataDirectory: location.dataDirectory)
        if let announcement {
            // Written unbuffered: the key must reach a redirected log even if the server is killed right after.
            FileHandle.standardOutput.write(Data((announcement + "\n").utf8))
        }

        let (store, service) = try await location.open(logger: logger)
        let blobs = try LocalBlobStore(root: location.dataDirectory)
        let settings = ServerSettings(host: host, port: port, publicURL: publicUrl, adminKeyHash: hash)
        // The PostgreSQL pool (if any) runs beside the server for its whole life; migrations and the shared settings
        // are read before the server listens, so /health answers 200 only when requests can be served.
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let service { group.addTask { try await service.run() } }
            let applied = try await store.migrate()
            logger.info(
                "metadata store ready",
                metadata: [
                    "backend": .string(store.dialect.rawValue), "migrations_applied": .stringConvertible(applied),
                ])
            guard uploadExpiryHours >= 1, sweepInterval >= 1, blobGraceMinutes >= 0 else {
                throw ValidationError("--upload-expiry-hours and --sweep-interval must be positive.")
            }
            var deps = try await AppDependencies.load(store: store, blobs: blobs)
            deps.pendingUploadLifetimeSeconds = uploadExpiryHours * 3600
            let sweeper = Sweeper(
                deps: deps, intervalSeconds: sweepInterval, blobGraceSeconds: blobGraceMinutes * 60, logger: logger)
            deps.batchSyncMaxItems = batchSyncMaxItems
            try await buildApplication(
                deps, settings: settings, services: [sweeper, deps.jobRunner(logger: logger)], logger: logger
            ).runService()
            group.cancelAll()
        }
        await store.close()
    }
}
