/// A failure with a stable wire code. The message goes to the client; the cause only to the log.
public struct SMHError: Error, Sendable, CustomStringConvertible {
    public let code: SMHErrorCode
    public let message: String
    /// The underlying error, kept for the log and never rendered to a client.
    public let cause: (any Error & Sendable)?

    public init(_ code: SMHErrorCode, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var httpStatus: Int { code.httpStatus }

    public var description: String {
        if let cause { return "\(code.rawValue): \(message) (cause: \(String(reflecting: cause)))" }
        return "\(code.rawValue): \(message)"
    }

    /// The catch-all answer for anything unexpected; the cause is what the log needs.
    public static func internalError(_ cause: any Error & Sendable) -> SMHError {
        SMHError(.internalServerError, "The server met an unexpected condition.", cause: cause)
    }
}
