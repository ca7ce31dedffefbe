import Foundation
import SMHTestSupport
import Testing

/// The name rule of spec 10 §1.13 / spec 20 §1.7 through every door (uploads, new directories, copies, moves, links,
/// restores), under random strategies, against a model that knows only the rule: a free name is taken as is; `ask`
/// refuses; `rename` takes the smallest free `name (n).ext`; `overwrite` replaces what the operation may replace.
@Suite struct ConflictPropertyTests {
    enum Kind: Equatable { case file, directory, link }

    /// The same seed gives the same sequence on every machine.
    struct Random {
        var generator: IntegrityPropertyTests.Seeded
        init(state: UInt64) { generator = IntegrityPropertyTests.Seeded(state: state) }
        mutating func next() -> UInt64 { generator.next() }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    /// The model: the destination directory's entries, and what an operation must give.
    struct Model {
        var entries: [String: Kind] = [:]

        static func candidate(_ name: String, _ n: Int, directory: Bool) -> String {
            guard !directory, let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "\(name) (\(n))" }
            return "\(name[..<dot]) (\(n))\(name[dot...])"
        }

        /// nil: refused. `replaces` says which existing kinds `overwrite` may replace; `mustBeFree` kinds are refused
        /// whatever the strategy (a file in the way of a new directory).
        func outcome(
            _ name: String, _ strategy: String, incoming: Kind, replaces: Set<Kind>, mustBeFree: Set<Kind> = []
        ) -> String? {
            guard let existing = entries[name] else { return name }
            if mustBeFree.contains(existing) { return nil }
            switch strategy {
            case "rename":
                return (1...).lazy.map { Self.candidate(name, $0, directory: incoming == .directory) }
                    .first { entries[$0] == nil }
            case "overwrite":
                return replaces.contains(existing) ? name : nil
            default:
                return nil
            }
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func everyDoorFollowsTheOneRule(seed: UInt64) async throws {
        try await UploadFixture.with(#"{"name":"files","useRecycleBin":true}"#) { f in
            var random = Random(state: seed)
            var model = Model()
            var recycled: [(id: Int, name: String, kind: Kind)] = []
            let lib = f.library.id
            let token = f.token
            for directory in ["dst", "src"] {
                #expect(
                    try await f.app.call(.put, "/api/v1/directory/\(lib)/-/\(directory)?access_token=\(token)").status
                        == 201)
            }
            func encoded(_ name: String) -> String {
                name.addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-")))!
            }
            #expect(try await f.upload("src/source.txt", Array("source".utf8)).status == 200)
            let names = ["a.txt", "a (1).txt", "b", "x.tar.gz", ".env"]
            for step in 0..<60 {
                let name = random.pick(names)
                let strategy = random.pick(["ask", "rename", "overwrite"])
                let query = "conflict_resolution_strategy=\(strategy)&access_token=\(token)"
                let file = "/api/v1/file/\(lib)/-/dst/\(encoded(name))"
                let operation = random.pick(["upload", "mkdir", "copy", "move", "link", "delete", "restore"])
                var expected: String?
                var incoming = Kind.file
                var answer: Reply?
                switch operation {
                case "upload":
                    expected = model.outcome(name, strategy, incoming: .file, replaces: [.file])
                    answer = try await f.upload("dst/\(encoded(name))", Array("step \(step)".utf8), "&" + query)
                case "mkdir":
                    let directoryStrategy = strategy == "overwrite" ? "rename" : strategy
                    incoming = .directory
                    expected = model.outcome(
                        name, directoryStrategy, incoming: .directory, replaces: [], mustBeFree: [.file, .link])
                    answer = try await f.app.call(
                        .put,
                        "/api/v1/directory/\(lib)/-/dst/\(encoded(name))?conflict_resolution_strategy=\(directoryStrategy)&access_token=\(token)"
                    )
                case "copy":
                    expected = model.outcome(name, strategy, incoming: .file, replaces: [.file, .link])
                    answer = try await f.app.call(.put, "\(file)?\(query)", body: #"{"copyFrom":"src/source.txt"}"#)
                case "move":
                    #expect(try await f.upload("src/m\(step).txt", Array("m".utf8)).status == 200)
                    expected = model.outcome(name, strategy, incoming: .file, replaces: [.file, .link])
                    answer = try await f.app.call(.put, "\(file)?\(query)", body: #"{"from":"src/m\#(step).txt"}"#)
                case "link":
                    incoming = .link
                    expected = model.outcome(name, strategy, incoming: .link, replaces: [.file, .link])
                    answer = try await f.app.call(.put, "\(file)?\(query)", body: #"{"linkTo":"src/source.txt"}"#)
                case "delete":
                    guard
                        let present = model.entries.keys.sorted().first(where: { _ in random.next() % 2 == 0 })
                            ?? model.entries.keys.sorted().first, let kind = model.entries[present]
                    else { continue }
                    let kindPath = kind == .directory ? "directory" : "file"
                    let deleted = try await f.app.call(
                        .delete, "/api/v1/\(kindPath)/\(lib)/-/dst/\(encoded(present))?access_token=\(token)")
                    #expect(deleted.status == 200, "step \(step): delete \(present): \(deleted.text)")
                    let id = try deleted.decoded(RecycledAnswer.self).recycledItemId
                    recycled.append((id, present, kind))
                    model.entries[present] = nil
                    continue
                default:
                    guard !recycled.isEmpty else { continue }
                    let item = recycled.removeFirst()
                    incoming = item.kind
                    expected = model.outcome(
                        item.name, strategy, incoming: item.kind,
                        replaces: item.kind == .directory ? [] : [.file, .link])
                    answer = try await f.app.call(
                        .post, "/api/v1/recycled/\(lib)/-/\(item.id)?restore&\(query)")
                    if expected == nil { recycled.append(item) }
                }
                let reply = try #require(answer)
                let what = "seed \(seed) step \(step): \(operation) '\(name)' \(strategy)"
                if let expected {
                    #expect(reply.status < 300, "\(what) refused: \(reply.text)")
                    let path = try reply.decoded(CreatedAnswer.self).path
                    #expect(path == ["dst", expected], "\(what): \(reply.text), model \(expected)")
                    model.entries[expected] = model.entries[expected] == .link && incoming == .link ? .link : incoming
                } else {
                    #expect(reply.status >= 400 && reply.status < 500, "\(what) should be refused: \(reply.text)")
                }
            }
            // The directory holds exactly the model's entries.
            let listing = try await f.app.call(.get, "/api/v1/directory/\(lib)/-/dst?access_token=\(token)")
            var listed: [String: Kind] = [:]
            for entry in try listing.decoded(ListingAnswer.self).contents {
                listed[entry.name] = entry.type == "dir" ? .directory : entry.type == "symlink" ? .link : .file
            }
            #expect(listed == model.entries, "seed \(seed)")
        }
    }
}
