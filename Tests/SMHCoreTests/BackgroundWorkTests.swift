import SMHCore
import Synchronization
import Testing

@Suite struct BackgroundWorkTests {
    final class Counter: Sendable {
        let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    @Test func queuedJobsRunOnceTheRunnerRuns() async throws {
        let work = BackgroundWork()
        let counter = Counter()
        for _ in 0..<10 { #expect(work.submit { counter.add() }) }
        #expect(counter.count == 0, "nothing runs outside run()")
        let runner = Task { await work.run() }
        for _ in 0..<200 where counter.count < 10 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(counter.count == 10)
        work.finish()
        await runner.value
        #expect(work.submit { counter.add() } == false, "a finished queue refuses work")
    }

    @Test func cancellingTheRunnerCancelsTheJobsUnderWay() async throws {
        let work = BackgroundWork()
        let cancelled = Counter()
        let started = Counter()
        work.submit {
            started.add()
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                cancelled.add()
            }
        }
        let runner = Task { await work.run() }
        for _ in 0..<200 where started.count == 0 { try await Task.sleep(for: .milliseconds(5)) }
        runner.cancel()
        await runner.value
        #expect(started.count == 1 && cancelled.count == 1, "the job ended with its runner, not 60 s later")
    }

    @Test func aFullBacklogDropsNewJobs() {
        let work = BackgroundWork(backlog: 2)
        #expect(work.submit {})
        #expect(work.submit {})
        #expect(work.submit {} == false)
    }
}
