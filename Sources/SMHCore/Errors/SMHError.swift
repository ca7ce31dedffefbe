/// A failure with a stable wire code. The message goes to the client; the cause only to the log.
public struct SMHError: Error, Sendable, CustomStringConvertible {
    public let code: SMHErrorCode
    public let message: String
    /// The underlying error, kept for the log and never rendered to a client.
    public let cause: (any Error & Sendable)?

    /// Set only for the one documented exception to "a code has one status" (see `notImplemented`).
    private let statusOverride: Int?

    public init(_ code: SMHErrorCode, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
        self.statusOverride = nil
    }

    private init(notImplemented message: String) {
        self.code = .functionNotEnabled
        self.message = message
        self.cause = nil
        self.statusOverride = 501
    }

    public var httpStatus: Int { statusOverride ?? code.httpStatus }

    /// A P2 endpoint that is not built yet: `501` with `FunctionNotEnabled`, as spec 20 §1.9 decides, so that
    /// clients do not retry (the same code is `400` when a library switches a feature off).
    public static func notImplemented(_ feature: String) -> SMHError {
        SMHError(notImplemented: "\(feature) is not implemented by this server yet.")
    }

    public var description: String {
        if let cause { return "\(code.rawValue): \(message) (cause: \(String(reflecting: cause)))" }
        return "\(code.rawValue): \(message)"
    }

    /// The catch-all answer for anything unexpected; the cause is what the log needs.
    public static func internalError(_ cause: any Error & Sendable) -> SMHError {
        SMHError(.internalServerError, "The server met an unexpected condition.", cause: cause)
    }
}
