import SMHCore
import ServiceLifecycle

/// Runs `BackgroundWork` under the service group. `smh serve` lists it before the application, so at a graceful stop
/// it stops after the listener has let in-flight requests finish; jobs still running are then cancelled (each is
/// safe to lose, see `BackgroundWork`).
public struct BackgroundService: Service {
    let work: BackgroundWork

    public init(_ work: BackgroundWork) {
        self.work = work
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown { await work.run() }
    }
}
