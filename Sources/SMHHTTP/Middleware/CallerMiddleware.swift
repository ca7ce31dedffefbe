import Hummingbird
import SMHCore
import SMHStoreSQL

/// Establishes the caller of every business route once (spec 10 §1.5.1's order: the route is matched first, then
/// the library, then the credentials; scope, space and grant are the handler's, through `AccessService.space`).
/// After a successful answer the token's expiry slides.
struct CallerMiddleware: RouterMiddleware {
    typealias Context = SMHRequestContext
    let access: AccessService<SQLStore>

    func handle(
        _ request: Request, context: SMHRequestContext,
        next: (Request, SMHRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        let input = BusinessRequest(request, context: context)
        let caller = try await access.caller(libraryId: input.parameter("libraryId"), credentials: input.credentials)
        context.caller = caller
        context.query = input.query
        let response = try await next(request, context)
        if response.status.code < 400 {
            do {
                try await access.renew(caller)
            } catch {
                // The answer is already decided; a missed renewal only shortens the token's life.
                context.logger.warning("token renewal failed", metadata: ["error": "\(error)"])
            }
        }
        return response
    }
}
