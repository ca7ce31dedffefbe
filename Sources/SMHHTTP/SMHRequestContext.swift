import Hummingbird

/// The per-request context: Hummingbird's core storage plus the SMH request id that error bodies carry.
public struct SMHRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `RequestLifecycleMiddleware` before anything else runs.
    public var requestId: String = ""

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}
