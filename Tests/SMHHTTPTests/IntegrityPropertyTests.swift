import Foundation
import SMHCore
import SMHStoreSQL
import SMHTestSupport
import Testing

/// Issue 6's property: after any sequence of operations the usage counters and blob references equal what
/// `smh fsck` recounts from the nodes and versions. Deterministic (seeded), so a failure can be replayed.
@Suite struct IntegrityPropertyTests {
    /// SplitMix64: a small seedable generator.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [UInt64(1), 2])
    func fiveHundredRandomOperationsKeepTheCountersExact(seed: UInt64) async throws {
        try await UploadFixture.with { f in
            var rng = Seeded(state: seed)
            let lib = f.library.id
            let t = f.token
            _ = try await f.app.call(
                .post, "/api/v1/directory-history/\(lib)/library-history?access_token=\(t)",
                body: #"{"enableFileHistory":true,"fileHistoryCount":2}"#)
            for directory in ["d", "e"] {
                _ = try await f.app.call(.put, "/api/v1/directory/\(lib)/-/\(directory)?access_token=\(t)")
            }
            let directories = ["", "d/", "e/"]
            let names = ["a.txt", "b.txt", "c.bin", "a (1).txt", "link"]
            let contents = (0..<8).map { i in Array("content-\(i)-".utf8) + [UInt8](repeating: UInt8(i), count: i * 7) }
            func randomPath() -> String {
                directories.randomElement(using: &rng)! + names.randomElement(using: &rng)!
            }
            func encoded(_ path: String) -> String {
                path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
            }
            var statuses: [Int: Int] = [:]
            for step in 0..<500 {
                let strategy = ["rename", "overwrite", "ask"].randomElement(using: &rng)!
                let permanent = Bool.random(using: &rng) ? "&permanent=1" : ""
                let reply: Reply
                switch Int.random(in: 0..<14, using: &rng) {
                case 0, 1, 2:
                    reply = try await f.upload(
                        encoded(randomPath()), contents.randomElement(using: &rng)!,
                        "&conflict_resolution_strategy=\(strategy)")
                case 3:
                    reply = try await f.app.call(
                        .put,
                        "/api/v1/file/\(lib)/-/\(encoded(randomPath()))?conflict_resolution_strategy=\(strategy)&access_token=\(t)",
                        body: #"{"copyFrom":"\#(randomPath())"}"#)
                case 4:
                    reply = try await f.app.call(
                        .put,
                        "/api/v1/file/\(lib)/-/\(encoded(randomPath()))?conflict_resolution_strategy=\(strategy)&access_token=\(t)",
                        body: #"{"from":"\#(randomPath())"}"#)
                case 5:
                    reply = try await f.app.call(
                        .delete, "/api/v1/file/\(lib)/-/\(encoded(randomPath()))?access_token=\(t)\(permanent)")
                case 6:
                    reply = try await f.app.call(
                        .put, "/api/v1/directory/\(lib)/-/\(["d", "e"].randomElement(using: &rng)!)?access_token=\(t)")
                case 7:
                    reply = try await f.app.call(
                        .delete,
                        "/api/v1/directory/\(lib)/-/\(["d", "e"].randomElement(using: &rng)!)?access_token=\(t)\(permanent)"
                    )
                case 8:
                    let (from, to) = Bool.random(using: &rng) ? ("d", "e") : ("e", "d")
                    reply = try await f.app.call(
                        .put, "/api/v1/directory/\(lib)/-/\(to)?conflict_resolution_strategy=rename&access_token=\(t)",
                        body: #"{"copyFrom":"\#(from)"}"#)
                case 9, 10:
                    let bin = try await f.app.call(.get, "/api/v1/recycled/\(lib)/-?page_size=50&access_token=\(t)")
                    let ids = try bin.decoded(RecycledListAnswer.self).contents.map(\.recycledItemId)
                    guard let id = ids.randomElement(using: &rng) else { continue }
                    if Bool.random(using: &rng) {
                        reply = try await f.app.call(
                            .post,
                            "/api/v1/recycled/\(lib)/-/\(id)?restore&restore_path_strategy=fallbackToRoot&conflict_resolution_strategy=\(strategy)&access_token=\(t)"
                        )
                    } else {
                        reply = try await f.app.call(.delete, "/api/v1/recycled/\(lib)/-/\(id)?access_token=\(t)")
                    }
                case 11:
                    let path = randomPath()
                    let list = try await f.app.call(
                        .get, "/api/v1/directory-history/\(lib)/-/history-list/\(encoded(path))?access_token=\(t)")
                    // A random path may name nothing (404): no versions to pick from then.
                    let ids = (try? list.decoded(HistoryListAnswer.self))?.contents.compactMap(\.id) ?? []
                    guard let id = ids.randomElement(using: &rng) else { continue }
                    if Bool.random(using: &rng) {
                        reply = try await f.app.call(
                            .post, "/api/v1/directory-history/\(lib)/-/latest-version/\(id)?access_token=\(t)")
                    } else {
                        reply = try await f.app.call(
                            .post, "/api/v1/directory-history/\(lib)/-/delete?access_token=\(t)", body: "[\(id)]")
                    }
                case 12:
                    reply = try await f.app.call(
                        .put,
                        "/api/v1/file/\(lib)/-/\(encoded(randomPath()))?conflict_resolution_strategy=\(strategy)&access_token=\(t)",
                        body: #"{"linkTo":"\#(randomPath())"}"#)
                default:
                    if Int.random(in: 0..<10, using: &rng) == 0 {
                        reply = try await f.app.call(.delete, "/api/v1/recycled/\(lib)/-?access_token=\(t)")
                    } else {
                        reply = try await f.upload(
                            encoded(randomPath()), contents.randomElement(using: &rng)!,
                            "&conflict_resolution_strategy=overwrite")
                    }
                }
                statuses[reply.status, default: 0] += 1
                #expect(reply.status < 500, "step \(step): \(reply.status) \(reply.text)")
                if step % 100 == 99 {
                    let (report, _) = try await f.app.store.recount()
                    #expect(report.isClean, "after step \(step): \(report)")
                }
            }
            let (report, referenced) = try await f.app.store.recount()
            #expect(report.isClean, "\(report)")
            #expect(!referenced.isEmpty)
            #expect((statuses[200] ?? 0) > 100, "enough operations succeeded to mean something: \(statuses)")
            print("integrity property seed \(seed): statuses \(statuses.sorted { $0.key < $1.key })")
        }
    }

    @Test func fsckFindsAndRepairsDrift() async throws {
        try await UploadFixture.with { f in
            _ = try await f.upload("a.txt", Array("12345".utf8))
            _ = try await f.upload("b.txt", Array("12345".utf8))
            #expect(try await f.app.store.recount().report.isClean)
            try await f.app.execute("UPDATE spaces SET used_bytes = used_bytes + 7")
            try await f.app.execute("UPDATE blobs SET refcount = 5")
            let (report, _) = try await f.app.store.recount()
            #expect(report.spaces.count == 1)
            #expect(report.spaces.first?.recorded == 17)
            #expect(report.spaces.first?.actual == 10)
            #expect(report.blobs.first?.recorded == 5)
            #expect(report.blobs.first?.actual == 2)
            try await f.app.store.repair(report, at: Timestamp(milliseconds: 1))
            #expect(try await f.app.store.recount().report.isClean)
        }
    }
}
