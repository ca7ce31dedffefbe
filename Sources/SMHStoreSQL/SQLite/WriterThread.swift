import Foundation

/// A thread of its own for the SQLite writer, as a task executor: the transaction bodies, their statements and the
/// commit's fsync run there, one after another, so neither the event loops (where requests run) nor Swift's shared
/// pool ever wait for the disk on the writer's behalf, and a commit costs no hop to another thread.
final class WriterThread: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    init(name: String) {
        // The thread keeps the executor alive until `stop`.
        let thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once the jobs enqueued so far have run.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            let done = stopping && batch.isEmpty
            condition.unlock()
            if done { return }
            for job in batch { job.runSynchronously(on: executor) }
        }
    }
}
