import NIOConcurrencyHelpers
import SMHCore

/// Read-only connections beside the writer: in WAL mode each reads its own snapshot, so reads run concurrently
/// with each other and with the writer's transaction. Opened on demand up to `size`; a task that finds them all
/// busy waits for the next one returned (FIFO).
final class SQLiteReaderPool: Sendable {
    private struct State {
        var idle: [SQLiteHandle] = []
        var opened = 0
        var waiters: [CheckedContinuation<SQLiteHandle, Never>] = []
        var closed = false
    }

    private let state = NIOLockedValueBox(State())
    private let path: String
    let size: Int
    let waits = PoolWaits()

    init(path: String, size: Int) {
        self.path = path
        self.size = max(1, size)
    }

    func withReader<T>(_ body: (SQLiteHandle) async throws -> T) async throws -> T {
        let handle = try await acquire()
        defer { release(handle) }
        return try await body(handle)
    }

    private enum Acquired {
        case handle(SQLiteHandle)
        case open
        case wait
        case closed
    }

    private func acquire() async throws -> SQLiteHandle {
        let next: Acquired = state.withLockedValue { state in
            if state.closed { return .closed }
            if let handle = state.idle.popLast() { return .handle(handle) }
            if state.opened < size {
                state.opened += 1
                return .open
            }
            return .wait
        }
        switch next {
        case .closed: throw SMHError.internalError(StoreClosed())
        case .handle(let handle): return handle
        case .open:
            do {
                return try SQLiteHandle(path: path, readOnly: true)
            } catch {
                state.withLockedValue { $0.opened -= 1 }
                throw error
            }
        case .wait:
            let asked = ContinuousClock.now
            defer { waits.record(ContinuousClock.now - asked) }
            return await withCheckedContinuation { continuation in
                let ready: SQLiteHandle? = state.withLockedValue { state in
                    if let handle = state.idle.popLast() { return handle }
                    state.waiters.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }

    private func release(_ handle: SQLiteHandle) {
        let waiter: CheckedContinuation<SQLiteHandle, Never>? = state.withLockedValue { state in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            if state.closed {
                handle.close()
            } else {
                state.idle.append(handle)
            }
            return nil
        }
        waiter?.resume(returning: handle)
    }

    func close() {
        state.withLockedValue { state in
            state.closed = true
            for handle in state.idle { handle.close() }
            state.idle.removeAll()
        }
    }
}
