import Hummingbird
import SMHCore
import SMHStoreSQL

/// Batch delete, copy and move (spec 30 B1–B3): `POST /api/v1/batch/{LibraryId}/{SpaceId}?delete|copy|move`.
/// Every batch runs inside the request (the task form for large batches arrives with the job runner).
struct BatchController {
    let batch: BatchService<SQLStore>
    let access: AccessService<SQLStore>

    func register(on router: Router<SMHRequestContext>) {
        router.post("/api/v1/batch/:libraryId/:spaceId", use: post)
    }

    /// `true`/`false` or `1`/`0` (the Android SDK sends integers).
    struct FlexibleBool: Decodable {
        let value: Bool
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let bool = try? container.decode(Bool.self) {
                value = bool
            } else if let number = try? container.decode(Int.self), number == 0 || number == 1 {
                value = number == 1
            } else {
                throw SMHError(.paramInvalid, "permanent is a boolean or 0/1.")
            }
        }
    }

    struct DeleteItem: Decodable {
        let path: String
        let permanent: FlexibleBool?
    }

    struct CopyItem: Decodable {
        let copyFrom: String
        let to: String
        let conflictResolutionStrategy: String?
        let copyFromSpaceId: String?
    }

    struct MoveItem: Decodable {
        let from: String
        let to: String
        let conflictResolutionStrategy: String?
        let fromSpaceId: String?
    }

    @Sendable func post(_ request: Request, context: SMHRequestContext) async throws -> Response {
        let input = BusinessRequest(request, context: context)
        var request = request
        return try await asCaller(access, input, library: input.parameter("libraryId")) { caller in
            let spaceId = input.parameter("spaceId")
            _ = try await access.space(spaceId, for: caller, operation: .read)
            let flags = ["delete", "copy", "move"].filter { input.query.flag($0) }
            guard flags.count == 1 else { throw SMHError(.paramInvalid, "Add exactly one of ?delete, ?copy, ?move.") }
            let items: [BatchService<SQLStore>.Item]
            var echoes: [(String, [String], String, [String])] = []
            switch flags[0] {
            case "delete":
                let decoded = try await JSON.decode([DeleteItem].self, from: &request)
                items = decoded.map { .delete(path: $0.path, permanent: $0.permanent?.value ?? false) }
                echoes = decoded.map { ("path", Self.split($0.path), "", []) }
            case "copy":
                let decoded = try await JSON.decode([CopyItem].self, from: &request)
                if decoded.contains(where: { $0.copyFromSpaceId.map { $0 != spaceId } ?? false }) {
                    throw SMHError.notImplemented("Copies across spaces")
                }
                items = decoded.map { .copy(from: $0.copyFrom, to: $0.to, strategy: $0.conflictResolutionStrategy) }
                echoes = decoded.map { ("copyFrom", Self.split($0.copyFrom), "to", Self.split($0.to)) }
            default:
                let decoded = try await JSON.decode([MoveItem].self, from: &request)
                if decoded.contains(where: { $0.fromSpaceId.map { $0 != spaceId } ?? false }) {
                    throw SMHError.notImplemented("Moves across spaces")
                }
                items = decoded.map { .move(from: $0.from, to: $0.to, strategy: $0.conflictResolutionStrategy) }
                echoes = decoded.map { ("from", Self.split($0.from), "to", Self.split($0.to)) }
            }
            let outcomes = try await batch.run(caller, space: spaceId, items: items)
            let failed = outcomes.contains { $0.error != nil }
            return JSON.response(
                status: failed ? HTTPResponse.Status(code: 207, reasonPhrase: "Multi-Status") : .ok,
                ResultWire(
                    result: zip(outcomes, echoes).map { outcome, echo in
                        ItemWire(outcome: outcome, echo: echo)
                    }))
        }
    }

    static func split(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    struct ResultWire: Encodable { let result: [ItemWire] }

    struct ItemWire: Encodable {
        let outcome: BatchService<SQLStore>.Outcome
        let echo: (String, [String], String, [String])

        struct Key: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(outcome.status, forKey: Key(stringValue: "status"))
            if echo.0 == "path" {
                // B1 echoes the request path as `path`.
                try c.encode(echo.1, forKey: Key(stringValue: "path"))
            } else {
                try c.encode(echo.1, forKey: Key(stringValue: echo.0))
                try c.encode(echo.3, forKey: Key(stringValue: echo.2))
                try c.encodeIfPresent(outcome.path, forKey: Key(stringValue: "path"))
            }
            try c.encodeIfPresent(outcome.recycledItemId, forKey: Key(stringValue: "recycledItemId"))
            try c.encodeIfPresent(outcome.error?.code.rawValue, forKey: Key(stringValue: "code"))
            try c.encodeIfPresent(outcome.error?.message, forKey: Key(stringValue: "message"))
        }
    }
}
