import Crypto
import Hummingbird
import SMHCore
import SMHMedia
import SMHStoreSQL

/// `GET /metrics`: Prometheus's text exposition of this process's counters (`ServerMetrics`). With
/// `--metrics-token` it asks for `Authorization: Bearer <token>` and answers `401` otherwise.
struct MetricsController {
    let metrics: ServerMetrics
    let store: SQLStore
    let previews: PreviewService
    let tokenHash: String?

    func register(on router: Router<SMHRequestContext>) {
        router.get("/metrics", use: scrape)
    }

    @Sendable func scrape(_ request: Request, context: SMHRequestContext) async throws -> Response {
        if let tokenHash {
            let given = request.headers[.authorization].flatMap { header -> Substring? in
                header.hasPrefix("Bearer ") ? header.dropFirst(7) : nil
            }
            guard let given, SecretHash.matches(String(given), hash: tokenHash) else {
                throw SMHError(.metricsTokenRequired, "GET /metrics needs Authorization: Bearer and the metrics token.")
            }
        }
        let body = await metrics.render(store: store, previews: previews)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
