import NIOCore
import NIOPosix

/// Runs the server's tasks on the event loop that is already running them, as a task executor.
///
/// With NIO's loops installed as the global executor, a job runs *on the loop's serial executor*; every call into a
/// nonisolated async function then asks for the generic executor, which is "another" executor, so the task was
/// re-enqueued on the same loop at each such call (`swift_task_switch` and `flagAsAndEnqueueOnExecutor` were ~14 %
/// of a metadata request's time in `perf`). Jobs run through this executor run as *task-executor* jobs: the
/// current executor is the generic one, and those calls continue in place. `any()` is sticky: a job enqueued from
/// a loop stays on that loop, so a connection's request keeps running on the loop that reads its bytes.
final class EventLoopTaskExecutor: TaskExecutor {
    let group: MultiThreadedEventLoopGroup

    init(group: MultiThreadedEventLoopGroup = .singleton) {
        self.group = group
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        group.any().execute { job.runSynchronously(on: executor) }
    }
}
