import Hummingbird
import SMHCore
import SMHStoreSQL

/// `GET /ready`: whether this instance can serve requests now — the database answers a trivial read and the blob
/// store a trivial lookup, each within `timeoutSeconds`. `503` with the reason otherwise, for load balancers and
/// orchestrators. `/health` stays the cheap liveness check.
struct ReadinessController {
    let store: SQLStore
    let blobs: any BlobStore
    let timeoutSeconds: Double

    func register(on router: Router<SMHRequestContext>) {
        router.get("/ready", use: ready)
    }

    struct Answer: Encodable {
        let status: String
        let reason: String?
    }

    @Sendable func ready(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let (store, blobs) = (self.store, self.blobs)
        var failures: [String] = []
        if let failure = await Self.check(
            "database", within: timeoutSeconds,
            {
                _ = try await store.read { db in try await db.raw("SELECT 1 AS one").all() }
            })
        {
            failures.append(failure)
        }
        if let failure = await Self.check(
            "blob store", within: timeoutSeconds,
            {
                _ = try await blobs.contains(sha256: String(repeating: "0", count: 64))
            })
        {
            failures.append(failure)
        }
        if failures.isEmpty { return JSON.response(Answer(status: "ready", reason: nil)) }
        context.logger.warning("not ready", metadata: ["reason": .string(failures.joined(separator: "; "))])
        return JSON.response(
            status: .serviceUnavailable, Answer(status: "unavailable", reason: failures.joined(separator: "; ")))
    }

    /// Nil when `probe` succeeds in time; else what failed, in words.
    static func check(_ name: String, within seconds: Double, _ probe: @escaping @Sendable () async throws -> Void)
        async -> String?
    {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await probe()
                    return nil
                } catch {
                    return "\(name) failed: \(SMHError.from(error).cause.map { "\($0)" } ?? "\(error)")"
                }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                return "\(name) did not answer within \(seconds) s"
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
