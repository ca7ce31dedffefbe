/// A counting semaphore for tasks: at most `count` holders at once, the rest wait in order. With a count of 1 it is
/// a lock that may be held across suspensions (which `Mutex` must not be).
public actor AsyncSemaphore {
    private var free: Int
    private var queue: [CheckedContinuation<Void, Never>] = []

    public init(count: Int) { free = count }

    public var waiting: Int { queue.count }

    public func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { queue.append($0) }
    }

    public func release() {
        if queue.isEmpty { free += 1 } else { queue.removeFirst().resume() }
    }
}
