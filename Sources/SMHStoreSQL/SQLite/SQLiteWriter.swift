import Logging
import NIOConcurrencyHelpers
import SMHCore
import SQLKit

/// The one write connection, with group commit.
///
/// SQLite has one writer, and a durable commit costs an fsync of the log. Transactions queue here; one drain task
/// opens a SQLite transaction, runs every waiting body in it (each inside its own savepoint, so a body that throws
/// is rolled back alone, exactly as if it had had a transaction of its own), and commits them all with one fsync.
/// No body's caller hears back before that commit is on disk. With one waiting body this is a plain transaction;
/// under load the bodies that queue while a commit syncs share the next one. Everything the writer does runs on its
/// own thread (`WriterThread`).
final class SQLiteWriter: Sendable {
    struct Job: Sendable {
        /// A light job may be lost in a crash (see `SQLBackend.lightTransaction`); it never weakens a durable one.
        let light: Bool
        let run: @Sendable (any SQLDatabase) async throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var queue: [Job] = []
        var draining = false
        var closed = false
    }

    /// Bounds the wait of the first body of a batch behind the others.
    static let maxBatch = 128

    private let state = NIOLockedValueBox(State())
    private let thread = WriterThread(name: "smh-sqlite-writer")
    private let handle: SQLiteHandle
    private let db: SQLiteSQLDatabase
    private let logger: Logger

    init(handle: SQLiteHandle, logger: Logger) {
        self.handle = handle
        self.db = SQLiteSQLDatabase(handle: handle, logger: logger)
        self.logger = logger
    }

    func transaction<T: Sendable>(light: Bool, _ body: @Sendable @escaping (any SQLDatabase) async throws -> T)
        async throws -> T
    {
        let box = ResultBox<T>()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let job = Job(
                light: light,
                run: { db in box.value = try await body(db) },
                finish: { error in
                    if let error { continuation.resume(throwing: error) } else { continuation.resume() }
                })
            let start: Bool? = state.withLockedValue { state in
                if state.closed { return nil }
                state.queue.append(job)
                if state.draining { return false }
                state.draining = true
                return true
            }
            guard let start else {
                return continuation.resume(throwing: SMHError.internalError(StoreClosed()))
            }
            if start {
                let thread = self.thread
                Task { await withTaskExecutorPreference(thread) { await self.drain() } }
            }
        }
        return box.value!
    }

    /// Takes the next job that may join a batch of this durability, or ends the drain when none waits at all.
    private func next(joining light: Bool?) -> Job? {
        state.withLockedValue { state in
            guard let index = state.queue.firstIndex(where: { light != true || $0.light }) else {
                if state.queue.isEmpty && light == nil { state.draining = false }
                return nil
            }
            return state.queue.remove(at: index)
        }
    }

    private func drain() async {
        while let first = next(joining: nil) {
            await runBatch(first)
        }
    }

    private func runBatch(_ first: Job) async {
        var done: [Job] = []
        do {
            try handle.exec(first.light ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL")
            // IMMEDIATE takes the write lock up front, so another process (the CLI) makes us wait here, not fail at
            // a first write halfway through a body.
            try handle.exec("BEGIN IMMEDIATE")
        } catch {
            first.finish(error)
            return
        }
        var job: Job? = first
        var batchError: (any Error)?
        while let current = job {
            var failure: (any Error)?
            var fatal = false
            do {
                try handle.exec("SAVEPOINT job")
                do {
                    try await current.run(db)
                    try handle.exec("RELEASE job")
                } catch {
                    failure = error
                    // SQLite may have ended the whole transaction (e.g. a full disk): the others' work is gone too.
                    fatal = !handle.inTransaction
                    if !fatal {
                        try handle.exec("ROLLBACK TO job")
                        try handle.exec("RELEASE job")
                    }
                }
            } catch {
                failure = failure ?? error
                fatal = true
            }
            if let failure {
                current.finish(failure)
                if fatal {
                    batchError = failure
                    break
                }
            } else {
                done.append(current)
            }
            job = done.count < Self.maxBatch ? next(joining: first.light) : nil
        }
        if batchError == nil {
            do {
                // The commit is where the fsync happens, on the writer's own thread.
                try handle.exec("COMMIT")
            } catch {
                batchError = error
            }
        }
        if let batchError {
            if handle.inTransaction { try? handle.exec("ROLLBACK") }
            logger.error("write transaction failed", metadata: ["error": "\(batchError)", "bodies": "\(done.count)"])
        }
        for job in done { job.finish(batchError) }
    }

    /// Refuses new bodies, lets the queued ones finish, then closes the connection: a late write (a background
    /// flush racing shutdown) completes or fails cleanly instead of meeting finalized statements.
    func close() async {
        state.withLockedValue { $0.closed = true }
        while state.withLockedValue({ $0.draining }) {
            try? await Task.sleep(nanoseconds: 1_000_000)
        }
        handle.close()
        thread.stop()
    }
}

struct StoreClosed: Error, CustomStringConvertible {
    var description: String { "the SQLite store is closed" }
}

/// Carries a body's result from the drain task back to its caller, which reads it only after `finish`.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
