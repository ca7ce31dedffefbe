import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SMHCore
import SMHMedia

/// The outer frame of every request: a request id, one structured access-log line with credentials redacted, and
/// the catch-all that turns any thrown error into SMH's JSON error body (unexpected ones logged with their cause).
struct RequestLifecycleMiddleware: RouterMiddleware {
    typealias Context = SMHRequestContext
    /// What this server's listings say about thumbnails (`previewByCI`); set for the request only when it differs from
    /// the default, so that a server with its engines pays nothing for it.
    let previewSupport: PreviewSupport
    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        context.requestId = Self.requestId(from: request.headers[.xRequestId])
        context.logger[metadataKey: "request_id"] = .string(context.requestId)
        // One id per line: ours (echoed to the client) replaces Hummingbird's own.
        context.logger[metadataKey: "hb.request.id"] = nil

        var response: Response
        do {
            if previewSupport == PreviewSupport.current {
                response = try await next(request, context)
            } else {
                response = try await PreviewSupport.$current.withValue(previewSupport) {
                    try await next(request, context)
                }
            }
        } catch {
            let failure = SMHError.from(error)
            if failure.code == .internalServerError {
                context.logger.error(
                    "request failed unexpectedly",
                    metadata: ["cause": .string(failure.cause.map { String(reflecting: $0) } ?? failure.message)])
            }
            response = failure.response(requestId: context.requestId, method: request.method)
        }
        response.headers[.xRequestId] = context.requestId
        response.headers[.xSMHRequestId] = context.requestId

        // A long body is logged when its last byte is written (or the client went away), with the bytes sent: a
        // download's line tells how long it really took. A short one is logged as it is handed over: wrapping its
        // body would cost Hummingbird's single write of head, body and end (three writes instead, the largest
        // share of a small answer's cost), and it leaves in one piece anyway.
        let line = RequestLine(
            logger: context.logger, method: request.method.rawValue,
            target: request.uri.string, status: response.status.code, started: started,
            path: request.uri.path, received: request.headers[.contentLength].flatMap { Int($0) } ?? 0,
            metrics: metrics,
            serviceCall: request.uri.path == "/" && ServiceAPIController.claims(request)
        )
        let body = response.body
        if let length = body.contentLength, length <= Self.loggedAtHandOver {
            line.log(bytes: length, completed: true)
            return response
        }
        let counter = ByteCounter()
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            do {
                try await body.write(CountingWriter(inner: writer, counter: counter))
                line.log(bytes: counter.total, completed: true)
            } catch {
                line.log(bytes: counter.total, completed: false)
                throw error
            }
        }
        return response
    }

    /// Bodies up to this size are logged when the answer is handed over rather than after its last byte.
    static let loggedAtHandOver = 64 << 10

    /// Echoes a client's `X-Request-Id` when it is a sane token (so it can be traced end to end), else makes one.
    static func requestId(from header: String?) -> String {
        if let header, (1...128).contains(header.utf8.count),
            header.utf8.allSatisfy({ byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            })
        {
            return header
        }
        return RequestIds.next()
    }
}

extension HTTPField.Name {
    static let xRequestId = HTTPField.Name("X-Request-Id")!
    static let xSMHRequestId = HTTPField.Name("x-smh-request-id")!
}

/// The one log line of a request.
struct RequestLine: Sendable {
    let logger: Logger
    let method: String
    /// The request target as received; redacted only when the line is written.
    let target: String
    let status: Int
    let started: ContinuousClock.Instant
    let path: String
    let received: Int
    let metrics: ServerMetrics
    /// A call of the service API, which shares `/` with form uploads.
    var serviceCall = false

    func log(bytes: Int, completed: Bool) {
        let elapsed = ContinuousClock.now - started
        metrics.request(
            path: path[...], method: method, status: status, duration: elapsed, received: received, sent: bytes,
            group: serviceCall ? "service" : nil)
        let level: Logger.Level = status >= 500 ? .error : .info
        guard logger.logLevel <= level else { return }
        var metadata: Logger.Metadata = [
            "method": .string(method), "target": .string(LogRedaction.redact(target: target)),
            "status": .stringConvertible(status),
            "bytes": .stringConvertible(bytes),
            "ms": .stringConvertible(
                Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15),
        ]
        if !completed { metadata["aborted"] = "true" }
        logger.log(level: level, "request", metadata: metadata)
    }
}

/// Bytes of a response body, counted as they are written.
final class ByteCounter: @unchecked Sendable {
    private let lock = NIOLock()
    private var count = 0

    func add(_ bytes: Int) { lock.withLock { count += bytes } }
    var total: Int { lock.withLock { count } }
}

struct CountingWriter: ResponseBodyWriter {
    var inner: any ResponseBodyWriter
    let counter: ByteCounter

    mutating func write(_ buffer: ByteBuffer) async throws {
        counter.add(buffer.readableBytes)
        try await inner.write(buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await inner.finish(trailingHeaders)
    }
}
