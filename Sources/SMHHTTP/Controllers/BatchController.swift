import Foundation
import Hummingbird
import SMHCore
import SMHStoreSQL

/// Batch delete, copy and move (spec 30 B1–B3): `POST /api/v1/batch/{LibraryId}/{SpaceId}?delete|copy|move`.
/// Batches up to `syncMaxItems` run inside the request; larger ones become a task (`202 {"taskId"}`).
struct BatchController {
    let batch: BatchService<SQLStore>
    let access: AccessService<SQLStore>
    let jobs: SQLStore
    /// Batches with more items run as tasks (spec 30 §5.0 `batchSyncMaxItems`).
    let syncMaxItems: Int

    func register(on router: some RouterMethods<SMHRequestContext>) {
        router.post("/api/v1/batch/:libraryId/:spaceId", use: post)
    }

    /// `true`/`false`, `1`/`0` (the Android SDK sends integers) or those as strings (the Java SDK sends `"1"`).
    struct DeleteItem: Decodable {
        let path: String
        let permanent: FlexibleBool?
    }

    struct CopyItem: Decodable {
        let copyFrom: String
        let to: String
        let conflictResolutionStrategy: String?
        let copyFromSpaceId: String?
        /// Saving from a share of another library (spec 30 B2, P2): refused per item.
        let copyFromLibraryId: String?
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
        let caller = try context.requireCaller()
        let spaceId = input.parameter("spaceId")
        let space = try await access.space(spaceId, for: caller, operation: .read)
        let flags = ["delete", "copy", "move"].filter { input.query.flag($0) }
        guard flags.count == 1 else { throw SMHError(.paramInvalid, "Add exactly one of ?delete, ?copy, ?move.") }
        var buffer = try await request.collectBody(upTo: 8 << 20)
        let body = buffer.readBytes(length: buffer.readableBytes) ?? []
        let items = try Self.decode(flags[0], body, spaceId: spaceId)
        try BatchService<SQLStore>.check(caller, items.items)
        if items.items.count > syncMaxItems {
            // Above the threshold the batch runs as a task (spec 30 §5.0): 202 now, the same result via T1.
            let id = try await TaskService(store: jobs, clock: access.clock).enqueue(
                .batch(operation: flags[0], items: items.items, requester: TaskRequester(caller)),
                library: caller.library.id, space: space.id)
            return JSON.response(status: .accepted, TaskCreatedWire(taskId: id))
        }
        let (status, wire) = try await run(caller, spaceId, items)
        return JSON.response(
            status: HTTPResponse.Status(code: status, reasonPhrase: status == 207 ? "Multi-Status" : "OK"), wire)
    }

    struct TaskCreatedWire: Encodable { let taskId: Int64 }

    struct Decoded {
        let items: [BatchService<SQLStore>.Item]
        let echoes: [(String, [String], String, [String])]
    }

    /// Parses a batch body for one operation; the echoed request paths go into each item's result.
    static func decode(_ operation: String, _ body: [UInt8], spaceId: String) throws -> Decoded {
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            do {
                return try JSONDecoder().decode(T.self, from: Data(body.isEmpty ? Array("{}".utf8) : body))
            } catch let error as SMHError {
                throw error
            } catch DecodingError.dataCorrupted {
                throw SMHError(.badRequest, "The body is not valid JSON.")
            } catch {
                throw SMHError(.paramInvalid, "The body must be an array of \(operation) items.")
            }
        }
        switch operation {
        case "delete":
            let decoded = try decode([DeleteItem].self)
            return Decoded(
                items: decoded.map { .delete(path: $0.path, permanent: $0.permanent?.value ?? false) },
                echoes: decoded.map { echo(.delete(path: $0.path, permanent: false)) })
        case "copy":
            let decoded = try decode([CopyItem].self)
            return Decoded(
                items: decoded.map {
                    .copy(
                        from: $0.copyFrom, to: $0.to, strategy: $0.conflictResolutionStrategy,
                        fromSpace: $0.copyFromSpaceId, fromLibrary: $0.copyFromLibraryId)
                },
                echoes: decoded.map { echo(.copy(from: $0.copyFrom, to: $0.to, strategy: nil)) })
        default:
            let decoded = try decode([MoveItem].self)
            return Decoded(
                items: decoded.map {
                    .move(from: $0.from, to: $0.to, strategy: $0.conflictResolutionStrategy, fromSpace: $0.fromSpaceId)
                },
                echoes: decoded.map { echo(.move(from: $0.from, to: $0.to, strategy: nil)) })
        }
    }

    /// Runs the items and builds the answer: 200 when all succeeded, 207 otherwise.
    func run(_ caller: Caller, _ spaceId: String, _ decoded: Decoded) async throws -> (Int, ResultWire) {
        let outcomes = try await batch.run(caller, space: spaceId, items: decoded.items)
        let failed = outcomes.contains { $0.error != nil }
        return (
            failed ? 207 : 200,
            ResultWire(result: zip(outcomes, decoded.echoes).map { ItemWire(outcome: $0, echo: $1) })
        )
    }

    /// A queued batch, run later as the caller who asked for it: the same items, the same answer.
    func runTask(
        operation: String, items: [BatchItem], requester: TaskRequester, job: Job
    ) async throws -> (status: Int, result: AnyJSON?) {
        guard let library = try await access.store.library(job.libraryId), let spaceId = job.spaceId else {
            return (500, nil)
        }
        let decoded = Decoded(items: items, echoes: items.map(Self.echo))
        let (status, wire) = try await run(
            requester.caller(in: library, now: access.clock.now()), spaceId.rawValue, decoded)
        return (status, try AnyJSON(encoding: wire.result))
    }

    /// The request paths an item's result repeats.
    static func echo(_ item: BatchItem) -> (String, [String], String, [String]) {
        switch item {
        case .delete(let path, _): return ("path", split(path), "", [])
        case .copy(let from, let to, _, _, _): return ("copyFrom", split(from), "to", split(to))
        case .move(let from, let to, _, _): return ("from", split(from), "to", split(to))
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
