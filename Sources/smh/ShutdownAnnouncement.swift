import Logging
import ServiceLifecycle

/// Says when a graceful stop begins, so that an operator sees why the server is still busy after SIGTERM.
struct ShutdownAnnouncement: Service {
    let timeoutSeconds: Int
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        guard !Task.isCancelled else { return }
        logger.info(
            "shutting down: no new connections; in-flight requests may finish",
            metadata: ["shutdown_timeout_s": .stringConvertible(timeoutSeconds)])
    }
}
