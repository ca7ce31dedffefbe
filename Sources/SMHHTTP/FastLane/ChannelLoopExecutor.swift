import NIOCore

/// A task executor that runs jobs on one event loop: a fast answer's task comes back to its connection's loop after
/// every suspension, so its writes into the pipeline never hop between threads.
final class ChannelLoopExecutor: TaskExecutor, Sendable {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
