import Hummingbird
import SMHCore
import SMHStoreSQL

/// The Access Token API (spec 10 §2).
struct TokenController {
    let tokens: TokenService<SQLStore>

    func register(on router: Router<SMHRequestContext>) {
        router.get("/api/v1/token", use: issue)
        router.post("/api/v1/token", use: issue)
        router.post("/api/v1/token/:libraryId/:accessToken", use: renew)
        router.delete("/api/v1/token/:libraryId/:accessToken", use: revoke)
        router.delete("/api/v1/token/:libraryId", use: revokeUsers)
    }

    struct TokenAnswer: Encodable {
        let accessToken: String
        let expiresIn: Int64
    }

    /// `GET|POST /api/v1/token`: a POST body (enterprise sharing fields) is accepted and ignored (spec 10 §2.5).
    @Sendable func issue(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let query = BusinessRequest(request, context: context).query
        let (token, period) = try await tokens.issue(
            .init(
                libraryId: query["library_id"], librarySecret: query["library_secret"], spaceIds: query["space_id"],
                userId: query["user_id"], clientId: query["client_id"], sessionId: query["session_id"],
                period: query["period"], grant: query["grant"]))
        return JSON.response(TokenAnswer(accessToken: token, expiresIn: period))
    }

    @Sendable func renew(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let token = input.parameter("accessToken")
        let period = try await tokens.renew(libraryId: LibraryID(input.parameter("libraryId")), token: token)
        return JSON.response(TokenAnswer(accessToken: token, expiresIn: period))
    }

    @Sendable func revoke(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        try await tokens.revoke(
            libraryId: LibraryID(input.parameter("libraryId")), token: input.parameter("accessToken"))
        return Response(status: .noContent)
    }

    @Sendable func revokeUsers(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let libraryId = LibraryID(input.parameter("libraryId"))
        // Same order of checks as everywhere: the library first.
        guard try await tokens.store.library(libraryId) != nil else {
            throw SMHError(.libraryNotFound, "Library \(libraryId) does not exist.")
        }
        try await tokens.revokeUsers(
            libraryId: libraryId, secret: input.query["library_secret"], userIds: input.query["user_id"],
            clientIds: input.query["client_id"], sessionIds: input.query["session_id"])
        return Response(status: .noContent)
    }
}
