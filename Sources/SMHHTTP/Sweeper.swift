import Logging
import SMHCore
import SMHStoreSQL
import ServiceLifecycle

/// The background clean-up: upload tasks that expired or were aborted lose their bytes and rows, confirmed ones are
/// forgotten after a day (spec 20 §2.1); recycle-bin items past their retention are purged (spec 30 §1.0); blobs
/// nothing references any more are deleted after a grace period. Every instance may run it: each deletion is its own
/// transaction, decided by the rows.
public struct Sweeper: Service {
    let uploads: UploadService<SQLStore>
    let store: SQLStore
    let clock: any Clock
    let intervalSeconds: Int64
    let blobGraceSeconds: Int64
    let metrics: ServerMetrics
    let logger: Logger

    public init(deps: AppDependencies, intervalSeconds: Int64, blobGraceSeconds: Int64, logger: Logger) {
        self.uploads = deps.uploads
        self.store = deps.store
        self.clock = deps.clock
        self.intervalSeconds = intervalSeconds
        self.blobGraceSeconds = blobGraceSeconds
        self.metrics = deps.metrics
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                var recycled = 0
                while true {
                    let purged = try await store.purgeExpiredRecycled(now: clock.now(), limit: 200)
                    recycled += purged
                    if purged < 200 { break }
                }
                // History versions past their library's `fileHistoryExpireDay` (spec 30 §4.0).
                for library in try await store.libraries() where library.settings.enableFileHistory {
                    let days = library.settings.fileHistoryExpireDay
                    if days > 0 {
                        recycled += try await store.pruneExpiredVersions(
                            library: library.id, days: days, now: clock.now())
                    }
                }
                let searches = try await store.deleteExpiredSearches(now: clock.now())
                // After the recycle bin, so that what it released can be collected in the same round.
                let (tasks, blobs) = try await uploads.sweep(blobGraceSeconds: blobGraceSeconds)
                if tasks > 0 || blobs > 0 || recycled > 0 || searches > 0 {
                    logger.info(
                        "clean-up",
                        metadata: [
                            "upload_tasks_removed": .stringConvertible(tasks),
                            "blobs_removed": .stringConvertible(blobs),
                            "recycled_items_and_versions_purged": .stringConvertible(recycled),
                            "searches_expired": .stringConvertible(searches),
                        ])
                }
                metrics.sweeps.increment()
            } catch {
                metrics.sweepFailures.increment()
                logger.error("clean-up failed", metadata: ["error": .string("\(error)")])
            }
            try? await gracefulShutdownSleep(seconds: intervalSeconds)
        }
    }

    /// Sleeps, but wakes as soon as a graceful shutdown begins.
    func gracefulShutdownSleep(seconds: Int64) async throws {
        try await cancelWhenGracefulShutdown {
            try await Task.sleep(for: .seconds(seconds))
        }
    }
}
