import Synchronization

/// How often, and how long, requests waited for a database connection: the sign that the pool is too small for the
/// load (`--sqlite-readers`, `--database-pool-size`). Read by the server's metrics.
public final class PoolWaits: Sendable {
    private let count = Atomic<Int>(0)
    private let nanoseconds = Atomic<Int>(0)

    public init() {}

    func record(_ waited: Duration) {
        let (seconds, attoseconds) = waited.components
        count.add(1, ordering: .relaxed)
        nanoseconds.add(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000), ordering: .relaxed)
    }

    public var waits: Int { count.load(ordering: .relaxed) }
    public var secondsWaited: Double { Double(nanoseconds.load(ordering: .relaxed)) / 1e9 }
}
