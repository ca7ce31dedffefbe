import Logging
import SMHCore
import SMHStoreSQL
import ServiceLifecycle

/// Runs queued jobs (spec 30 §2): claims one at a time under a lease, so any number of instances can share the
/// queue; a job whose handler throws is retried with back-off, and after `Job.maxAttempts` it ends as `500`. A
/// lease that expires (its process died) makes the job claimable again. On graceful shutdown the runner stops
/// claiming and lets the running job finish.
public struct JobRunner: Service {
    public typealias Handler = @Sendable (Job) async throws -> (status: Int, result: String?)

    let store: SQLStore
    /// Leases, back-off and outcomes are timed by it (a fake one in tests).
    let clock: any Clock
    let handlers: [String: Handler]
    let owner: String
    let leaseSeconds: Int64
    let idleSeconds: Double
    let metrics: ServerMetrics?
    let logger: Logger

    public init(
        store: SQLStore, handlers: [String: Handler], leaseSeconds: Int64 = 300, idleSeconds: Double = 0.5,
        clock: any Clock = SystemClock(), metrics: ServerMetrics? = nil, logger: Logger
    ) {
        self.metrics = metrics
        self.store = store
        self.clock = clock
        self.handlers = handlers
        self.owner = "runner-" + RandomToken.alphanumeric(count: 12)
        self.leaseSeconds = leaseSeconds
        self.idleSeconds = idleSeconds
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var ran = false
            do {
                ran = try await runNext()
            } catch {
                // A failure to claim or to record an outcome (the database away): logged, retried after a pause.
                logger.error("job runner step failed", metadata: ["error": "\(error)"])
            }
            if !ran {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(idleSeconds)) }
            }
        }
    }

    /// Claims and runs one job; false when none was due.
    @discardableResult
    public func runNext() async throws -> Bool {
        let now = clock.now()
        guard let job = try await store.claimJob(owner: owner, now: now, leaseUntil: now.adding(seconds: leaseSeconds))
        else { return false }
        guard let handler = handlers[job.kind] else {
            logger.error(
                "task of an unknown kind", metadata: ["task": .stringConvertible(job.id), "kind": .string(job.kind)])
            try await store.finishJob(job.id, owner: owner, status: 500, result: nil, at: clock.now())
            return true
        }
        do {
            let (status, result) = try await handler(job)
            try await store.finishJob(job.id, owner: owner, status: status, result: result, at: clock.now())
            metrics?.jobsRun.increment()
            logger.info(
                "task finished", metadata: ["task": .stringConvertible(job.id), "status": .stringConvertible(status)])
        } catch {
            metrics?.jobsFailed.increment()
            logger.error(
                "task failed",
                metadata: [
                    "task": .stringConvertible(job.id), "attempt": .stringConvertible(job.attempts),
                    "error": .string("\(error)"),
                ])
            if job.attempts >= Job.maxAttempts {
                try await store.finishJob(job.id, owner: owner, status: 500, result: nil, at: clock.now())
                metrics?.jobsRun.increment()
            } else {
                // Back-off: 2 s, 4 s, … before the next attempt.
                let delay = Int64(1 << job.attempts)
                try await store.retryJob(
                    job.id, owner: owner, runAfter: clock.now().adding(seconds: delay), at: clock.now())
            }
        }
        return true
    }

    /// Runs every job that is due now (tests and tools).
    public func drain() async throws {
        while try await runNext() {}
    }
}
