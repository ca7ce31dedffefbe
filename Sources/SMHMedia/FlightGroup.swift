/// Concurrent requests for the same missing rendition share one making of it: the first starts the work, the
/// others await the same task.
actor FlightGroup<Value: Sendable> {
    private var running: [String: Task<Value, Never>] = [:]

    func run(_ key: String, _ work: @escaping @Sendable () async -> Value) async -> Value {
        if let task = running[key] { return await task.value }
        let task = Task { await work() }
        running[key] = task
        let value = await task.value
        running[key] = nil
        return value
    }

    /// Keys being made right now.
    var count: Int { running.count }
}

/// Contents whose preview failed recently (corrupt, a bomb, a tool timing out): asked again within `seconds`, they
/// fall back at once instead of running a tool on the same bytes again. Bounded: the oldest entries go first.
actor FailureMemory {
    private var failures: [String: ContinuousClock.Instant] = [:]
    private let seconds: Int
    private let capacity: Int

    init(seconds: Int = 600, capacity: Int = 10_000) {
        self.seconds = seconds
        self.capacity = capacity
    }

    func remember(_ key: String) {
        if failures.count >= capacity {
            let now = ContinuousClock.now
            failures = failures.filter { now - $0.value < .seconds(seconds) }
            if failures.count >= capacity { failures.removeAll() }
        }
        failures[key] = .now
    }

    func failedRecently(_ key: String) -> Bool {
        guard let at = failures[key] else { return false }
        if ContinuousClock.now - at < .seconds(seconds) { return true }
        failures[key] = nil
        return false
    }
}
