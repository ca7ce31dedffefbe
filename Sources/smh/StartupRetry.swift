import Logging

/// Start-up against services that may come up after us (a database, a bucket): each attempt is bounded, failures
/// are logged at `warning` one per attempt, and after `seconds` in all the server gives up with one clear line
/// instead of waiting forever without listening.
enum StartupRetry {
    static func run<T: Sendable>(
        _ what: String, seconds: Int, logger: Logger, attemptSeconds: Int = 10,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var attempt = 0
        while true {
            attempt += 1
            let remaining = deadline - ContinuousClock.now
            let limit = min(Duration.seconds(attemptSeconds), max(remaining, .milliseconds(100)))
            let failure: String
            do {
                return try await withThrowingTaskGroup(of: T?.self) { group in
                    group.addTask { try await body() }
                    group.addTask {
                        try await Task.sleep(for: limit)
                        return nil
                    }
                    defer { group.cancelAll() }
                    guard let first = try await group.next(), let value = first else {
                        throw AttemptTimedOut(description: "no answer within \(limit)")
                    }
                    return value
                }
            } catch let fatal as StartupFailure {
                throw fatal  // not worth retrying (refused credentials)
            } catch {
                failure = "\(error)"
            }
            guard ContinuousClock.now + .seconds(1) < deadline else {
                throw StartupFailure("\(what) could not be reached within \(seconds) s: \(failure)")
            }
            logger.warning(
                "\(what) not reachable yet; retrying",
                metadata: ["attempt": .stringConvertible(attempt), "error": .string(failure)])
            try await Task.sleep(for: .seconds(1))
        }
    }
}

struct AttemptTimedOut: Error, CustomStringConvertible {
    let description: String
}
