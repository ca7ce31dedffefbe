import Hummingbird
import SMHCore
import SMHStoreSQL

/// Space quotas (spec 10 §4.3–4.7), plus the `space-quota` form of 4.4.
struct QuotaController {
    let quotas: QuotaService<SQLStore>
    let access: AccessService<SQLStore>

    func register(on router: some RouterMethods<SMHRequestContext>) {
        router.post("/api/v1/quota/:libraryId", use: create)
        router.get("/api/v1/quota/:libraryId/:target", use: get)
        router.put("/api/v1/quota/:libraryId/:target", use: update)
        router.get("/api/v1/space-quota/:libraryId/:target", use: getSpace)
    }

    struct Body: Decodable {
        let spaces: [String]?
        let capacity: Capacity?
        let removeWhenExceed: FlexibleBool?
        let removeAfterDays: Int64?
        let removeNewest: FlexibleBool?

        var patch: QuotaPatch {
            QuotaPatch(
                spaces: spaces, capacity: capacity?.value, removeWhenExceed: removeWhenExceed?.value,
                removeAfterDays: removeAfterDays, removeNewest: removeNewest?.value)
        }
    }

    /// Bytes as a JSON number or a decimal string; anything else is `QuotaCapacityInvalid`.
    struct Capacity: Decodable {
        let value: Int64

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int64.self), number >= 0 {
                value = number
            } else if let text = try? container.decode(String.self), let number = Int64(text), number >= 0 {
                value = number
            } else {
                throw SMHError(.quotaCapacityInvalid, "capacity is a non-negative integer (number or string).")
            }
        }
    }

    struct CreatedWire: Encodable { let quotaId: Int64 }
    struct SpaceQuotaWire: Encodable {
        let id: Int64
        let capacity: String
    }
    struct QuotaWire: Encodable {
        let spaces: [String]
        let capacity: String
    }

    @Sendable func create(_ request: Request, context: SMHRequestContext) async throws -> Response {
        var request = request
        let caller = try context.requireCaller()
        try caller.require(.libraryAdministration)
        let body = try await JSON.decode(Body.self, from: &request)
        return JSON.response(status: .created, CreatedWire(quotaId: try await quotas.create(caller, body.patch)))
    }

    @Sendable func get(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        let target = try await quotas.target(caller, input.parameter("target"))
        let quota = try await quotas.quota(caller, target)
        if case .space = target {
            return JSON.response(SpaceQuotaWire(id: quota.id, capacity: String(quota.capacity)))
        }
        return JSON.response(QuotaWire(spaces: quota.spaces.map(\.rawValue), capacity: String(quota.capacity)))
    }

    @Sendable func getSpace(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        let caller = try context.requireCaller()
        try caller.require(.libraryAdministration)
        let space = try await access.space(
            input.parameter("target"), for: caller, operation: .libraryAdministration)
        let quota = try await quotas.quota(caller, .space(space))
        return JSON.response(SpaceQuotaWire(id: quota.id, capacity: String(quota.capacity)))
    }

    @Sendable func update(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        let caller = try context.requireCaller()
        let target = try await quotas.target(caller, input.parameter("target"))
        let body = try await JSON.decode(Body.self, from: &request)
        try await quotas.update(caller, target, body.patch)
        return Response(status: .noContent)
    }
}
