/// Work a request starts but does not wait for (advancing a multipart upload's digest, a photo's thumbnails), run as
/// child tasks of `run()`, which the application runs under its service group: the work is structured — it ends when
/// the group does, it is never a detached task that outlives shutdown. Every job must be safe to lose: what it does
/// is redone on demand (confirm folds the missing parts itself; a preview renders on first view).
public final class BackgroundWork: Sendable {
    public typealias Job = @Sendable () async -> Void

    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    /// At most `backlog` jobs wait; beyond it new ones are dropped (they are optimisations, see above).
    public init(backlog: Int = 4096) {
        (jobs, continuation) = AsyncStream.makeStream(of: Job.self, bufferingPolicy: .bufferingOldest(backlog))
    }

    /// Queues a job; false when the backlog is full or the runner has finished.
    @discardableResult
    public func submit(_ job: @escaping Job) -> Bool {
        if case .enqueued = continuation.yield(job) { return true }
        return false
    }

    /// Runs queued jobs concurrently until cancelled (or `finish()`), then waits for those under way: cancellation
    /// reaches them as it reaches any child task. Only one `run()` may consume the queue.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for await job in jobs {
                group.addTask { await job() }
            }
        }
    }

    /// Ends `run()` once the queued jobs are started; later submissions are refused.
    public func finish() {
        continuation.finish()
    }
}
