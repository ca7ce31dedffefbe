import HTTPTypes
import Hummingbird
import SMHCore

/// Guards the admin API: `Authorization: Bearer <admin key>`, compared as hashes in constant time.
struct AdminKeyMiddleware: RouterMiddleware {
    typealias Context = SMHRequestContext
    /// SHA-256 of the admin key; the key itself is not kept in memory longer than start-up.
    let adminKeyHash: String

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let parts = (request.headers[.authorization] ?? "").split(separator: " ", maxSplits: 1)
        let key = parts.count == 2 ? parts[1].trimmingSpaces : ""
        guard !key.isEmpty else {
            throw SMHError(.adminKeyRequired, "The admin API needs 'Authorization: Bearer <admin key>'.")
        }
        guard parts[0].lowercased() == "bearer", SecretHash.matches(key, hash: adminKeyHash) else {
            throw SMHError(.invalidAdminKey, "The admin key is not valid.")
        }
        return try await next(request, context)
    }
}
