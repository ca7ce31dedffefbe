import Logging
import SMHCore
import SMHStoreSQL
import Synchronization

/// Collects recent uses (spec 30 §7.1) in memory and writes them in batches: a preview costs no write of its own.
/// A batch is written at most once a second (or at 256 uses), and before a list is read, so a user sees their own
/// uses at once; a crash loses at most the last second of uses — entries of a convenience list, nothing more.
final class RecentUseRecorder: Sendable {
    let store: SQLStore
    let background: BackgroundWork
    let logger: Logger
    private let state = Mutex(State())

    struct State {
        var pending: [String: RecentUse] = [:]
        var lastFlush = ContinuousClock.now
        var flushing = false
        /// The last write started: flushes run one after another, so a flush returns only once everything recorded
        /// before it is written (a list read right after a preview sees it).
        var inflight: Task<Void, Never>?
    }

    init(store: SQLStore, background: BackgroundWork, logger: Logger) {
        self.store = store
        self.background = background
        self.logger = logger
    }

    func record(_ use: RecentUse) {
        let due = state.withLock { state -> Bool in
            state.pending["\(use.libraryId.rawValue)/\(use.spaceId.rawValue)/\(use.userId)/\(use.inode.rawValue)"] = use
            guard !state.flushing,
                state.pending.count >= 256 || ContinuousClock.now - state.lastFlush >= .seconds(1)
            else { return false }
            state.flushing = true
            return true
        }
        guard due else { return }
        let queued = background.submit {
            await self.flush()
            self.state.withLock { $0.flushing = false }
        }
        if !queued { state.withLock { $0.flushing = false } }
    }

    /// Writes what is pending now, after any write already under way.
    func flush() async {
        let task = state.withLock { state -> Task<Void, Never> in
            let batch = Array(state.pending.values)
            state.pending.removeAll(keepingCapacity: true)
            state.lastFlush = .now
            let previous = state.inflight
            let task = Task {
                await previous?.value
                await self.write(batch)
            }
            state.inflight = task
            return task
        }
        await task.value
    }

    func write(_ batch: [RecentUse]) async {
        guard !batch.isEmpty else { return }
        do {
            try await store.recordUses(batch.sorted { $0.at < $1.at })
        } catch {
            logger.warning("recent uses not recorded", metadata: ["uses": "\(batch.count)", "error": "\(error)"])
        }
    }
}
