import Logging
import SMHBlobLocal
import SMHCore
import SMHStoreSQL
import ServiceLifecycle

/// The background clean-up of uploads (spec 20 §2.1): tasks that expired or were aborted lose their bytes and rows,
/// confirmed ones are forgotten after a day, and blobs nothing references any more are deleted after a grace period.
/// Every instance may run it: each deletion is its own transaction, decided by the rows.
public struct UploadSweeper: Service {
    let uploads: UploadService<SQLStore, LocalBlobStore>
    let intervalSeconds: Int64
    let blobGraceSeconds: Int64
    let logger: Logger

    public init(deps: AppDependencies, intervalSeconds: Int64, blobGraceSeconds: Int64, logger: Logger) {
        self.uploads = deps.uploads
        self.intervalSeconds = intervalSeconds
        self.blobGraceSeconds = blobGraceSeconds
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let (tasks, blobs) = try await uploads.sweep(blobGraceSeconds: blobGraceSeconds)
                if tasks > 0 || blobs > 0 {
                    logger.info(
                        "upload clean-up",
                        metadata: [
                            "tasks_removed": .stringConvertible(tasks), "blobs_removed": .stringConvertible(blobs),
                        ])
                }
            } catch {
                logger.error("upload clean-up failed", metadata: ["error": .string("\(error)")])
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
