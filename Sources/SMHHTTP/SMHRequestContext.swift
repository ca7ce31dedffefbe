import Hummingbird
import SMHCore

/// The per-request context: Hummingbird's core storage plus the SMH request id that error bodies carry.
public struct SMHRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `RequestLifecycleMiddleware` before anything else runs.
    public var requestId: String = ""
    /// Who is asking, established once by `CallerMiddleware` on the business routes.
    public var caller: Caller?
    /// The business route's query, decoded once by `CallerMiddleware` for itself and the handler.
    var query: QueryParameters?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}

extension SMHRequestContext {
    /// The caller of a business route; its absence is a routing mistake (a route registered outside the group
    /// that has `CallerMiddleware`), never the client's.
    func requireCaller() throws -> Caller {
        guard let caller else {
            throw SMHError.internalError(RoutingMistake("a business route without CallerMiddleware"))
        }
        return caller
    }
}

struct RoutingMistake: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
