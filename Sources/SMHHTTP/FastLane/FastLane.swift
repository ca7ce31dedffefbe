import Hummingbird
import Logging
import NIOConcurrencyHelpers

/// The application's responder, for `FastLaneHandler` to answer requests with: the same router and middleware that
/// Hummingbird's own request loop calls, so a request answered in the fast lane gets exactly the answer, log line,
/// metrics and headers it would get there.
///
/// The HTTP channel is set up before the router exists, so the responder is handed over once the application is
/// built (`buildApplication`); until then (and in a server built without it) every request takes Hummingbird's path.
public final class FastLane: Sendable {
    private let installed = NIOLockedValueBox<RouterResponder<SMHRequestContext>?>(nil)
    let logger: Logger
    let dates = HTTPDateCache()
    /// The `Server` header, as Hummingbird's loop sets it from the application's configuration.
    static let serverName = "OpenSMH"

    public init(logger: Logger) {
        self.logger = logger
    }

    public func install(_ responder: RouterResponder<SMHRequestContext>) {
        installed.withLockedValue { $0 = responder }
    }

    var responder: RouterResponder<SMHRequestContext>? { installed.withLockedValue { $0 } }
}
