import HTTPTypes
import Hummingbird

/// CORS as spec 10 §1.11 fixes it: any origin, the SMH headers exposed, and `OPTIONS` answered `204` on any path
/// without authentication.
struct SMHCORSMiddleware: RouterMiddleware {
    typealias Context = SMHRequestContext

    static let exposedHeaders =
        "ETag, Location, Content-Length, Content-Range, X-Request-Id, x-smh-request-id, x-smh-type, "
        + "x-smh-creation-time, x-smh-modification-time, x-smh-content-type, x-smh-size, x-smh-etag, x-smh-crc64"

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.method == .options {
            var headers: HTTPFields = [
                .accessControlAllowOrigin: "*",
                .accessControlAllowMethods: "GET, HEAD, POST, PUT, DELETE, OPTIONS",
                .accessControlAllowHeaders: request.headers[.accessControlRequestHeaders] ?? "*",
                .accessControlMaxAge: "86400",
            ]
            headers[.accessControlExposeHeaders] = Self.exposedHeaders
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = "*"
        response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        return response
    }
}
