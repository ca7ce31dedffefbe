import Hummingbird
import SMHCore
import SMHStoreSQL

/// What every `/api/v1` handler reads first: the query (form-decoded, spec 10 §1.4) and the path parameters.
struct BusinessRequest {
    let query: QueryParameters
    let context: SMHRequestContext

    init(_ request: Request, context: SMHRequestContext) {
        self.query = context.query ?? QueryParameters(raw: request.uri.query.map { Substring($0) })
        self.context = context
    }

    var credentials: AccessService<SQLStore>.Credentials {
        .init(accessToken: query["access_token"], librarySecret: query["library_secret"], userId: query["user_id"])
    }

    /// A path parameter, percent-decoded once (ids never need more; invalid UTF-8 decodes to nothing).
    func parameter(_ name: String) -> String {
        guard let raw = context.parameters.get(name) else { return "" }
        return PercentDecoding.decode(Substring(raw)) ?? ""
    }
}

extension Request {
    /// The raw item path after `/api/v1/{group}/{LibraryId}/{SpaceId}`, still percent-encoded: routing works on the
    /// raw target so that `%2F` and `/` are told apart exactly as spec 10 §1.3 says.
    func itemTail(fixedSegments: Int = 2) throws -> Substring {
        guard let api = APIPath(rawPath: Substring(uri.path)), let (_, tail) = api.split(fixedSegments: fixedSegments)
        else {
            throw SMHError(.routeNotFound, "No such API.")
        }
        return tail
    }
}
