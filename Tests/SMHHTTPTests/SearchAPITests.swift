import Foundation
import SMHHTTP
import SMHTestSupport
import Testing

/// Spec 30 §3 (S1–S3): every filter over a few thousand files, ordering, paging through stored cursors, errors.
@Suite struct SearchAPITests {
    /// One seed directory of 11 files and a subdirectory, copied 200 times: 201 identical trees.
    static let seed: [(path: String, size: Int)] = [
        ("Invoice 2025-01.pdf", 100), ("invoice-2024.PDF", 2000), ("report 2025.docx", 500), ("photo.jpg", 50),
        ("clip.mp4", 80), ("song.mp3", 30), ("sheet.xlsx", 300), ("notes.txt", 10), ("README", 5),
        ("发票2025.pdf", 7), ("invoices/q1.csv", 40),
    ]
    static let copies = 200
    static let trees = copies + 1

    struct Search {
        let f: UploadFixture
        var base: String { "/api/v1/search/\(f.library.id)/-" }

        func start(_ body: String, _ query: String = "") async throws -> Reply {
            try await f.app.call(.post, "\(base)/space-contents?access_token=\(f.token)\(query)", body: body)
        }

        func more(_ id: String, _ marker: Int, _ query: String = "") async throws -> Reply {
            try await f.app.call(.get, "\(base)/\(id)?marker=\(marker)&access_token=\(f.token)\(query)")
        }

        /// S1 then S2 until `hasMore` is false: every result's path, in order.
        func all(_ body: String) async throws -> [[String]] {
            var reply = try await start(body)
            #expect(reply.status == 200, "\(body): \(reply.text)")
            var paths: [[String]] = []
            while true {
                let page = try reply.decoded(SearchPageAnswer.self)
                #expect(page.contents.count <= 20)
                paths += page.contents.compactMap(\.path)
                #expect(page.searchFinished == true)
                guard page.hasMore == true else {
                    #expect(page.nextMarker == nil)
                    return paths
                }
                let next = try #require(page.nextMarker?.offset)
                #expect(next == paths.count)
                reply = try await more(try #require(page.searchId), next)
                #expect(reply.status == 200)
            }
        }

        /// The names found in one tree (`c005`), sorted.
        func names(_ conditions: String) async throws -> [String] {
            let body = conditions.isEmpty ? #"{"scope":"c005"}"# : #"{"scope":"c005","# + conditions + "}"
            return try await all(body).map { $0.last ?? "" }.sorted()
        }

        func count(_ body: String) async throws -> Int { try await all(body).count }
    }

    static func withTrees(lookupLimit: Int = 5000, _ body: @Sendable (Search) async throws -> Void) async throws {
        @Sendable func configure(_ deps: inout AppDependencies) { deps.store.searchLookupLimit = lookupLimit }
        try await TestApp.with(configure: configure) { app in
            let library = try await app.createLibrary(#"{"name":"files"}"#)
            let f = UploadFixture(
                app: app, library: library, token: try await app.token(library, "grant=admin"))
            for directory in ["seed", "seed/invoices"] {
                _ = try await f.app.call(
                    .put, "/api/v1/directory/\(f.library.id)/-/\(directory)?access_token=\(f.token)")
            }
            for (path, size) in seed {
                let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
                let reply = try await f.upload("seed/\(encoded)", Array(repeating: UInt8(ascii: "x"), count: size))
                #expect(reply.status == 200, "\(path): \(reply.text)")
            }
            let update = { (name: String, json: String) in
                let reply = try await f.app.call(
                    .post, "/api/v1/directory/\(f.library.id)/-/seed/\(name)?update&access_token=\(f.token)",
                    body: json)
                #expect(reply.status == 204)
            }
            try await update("Invoice%202025-01.pdf", #"{"labels":["tax"],"category":"finance"}"#)
            try await update("report%202025.docx", #"{"labels":["work","tax"]}"#)
            try await update("sheet.xlsx", #"{"category":"finance"}"#)
            for index in 0..<copies {
                let reply = try await f.app.call(
                    .put,
                    "/api/v1/directory/\(f.library.id)/-/\(String(format: "c%03d", index))?access_token=\(f.token)",
                    body: #"{"copyFrom":"seed"}"#)
                #expect(reply.status == 204)
            }
            try await f.app.execute("UPDATE nodes SET updated_at = 1577836800000 WHERE name = 'notes.txt'")
            try await body(Search(f: f))
        }
    }

    /// The SQLite plans must give the same answers: with the default limit the whole space is small enough to be
    /// read and sorted; with 1000 the tree of one copy still is, rare keywords are looked up and sorted, and the rest
    /// walks an order index (relevance level by level); with 0 everything walks.
    @Test(arguments: [5000, 1000, 0]) func filtersOverThousandsOfFiles(lookupLimit: Int) async throws {
        try await Self.withTrees(lookupLimit: lookupLimit) { s in
            // Keywords: substring, case-insensitive, any keyword; short and non-Latin keywords too.
            #expect(try await s.count(#"{"keyword":"invoice"}"#) == 3 * Self.trees)
            #expect(try await s.count(#"{"keyword":"PDF"}"#) == 3 * Self.trees)
            #expect(try await s.count(#"{"keyword":"发票"}"#) == Self.trees)
            #expect(try await s.count(#"{"keyword":"q1"}"#) == Self.trees)
            #expect(try await s.count(#"{"keyword":"song clip"}"#) == 2 * Self.trees)
            // A keyword below the trigram length among others (relevance by levels with LIKE on SQLite's walk).
            #expect(try await s.count(#"{"keyword":"q1 song"}"#) == 2 * Self.trees)
            let short = try await s.all(#"{"keyword":"q1 csv 2024"}"#)
            #expect(short.count == 2 * Self.trees)
            #expect(short.prefix(Self.trees).allSatisfy { $0.last == "q1.csv" })
            #expect(try await s.count(#"{"keyword":"nothing-like-this"}"#) == 0)
            #expect(try await s.count(#"{"keyword":"100%_"}"#) == 0, "LIKE wildcards are literal")
            // Items matching more keywords rank first.
            let ranked = try await s.all(#"{"keyword":"invoice 2025"}"#)
            #expect(ranked.count == 5 * Self.trees)
            #expect(ranked.prefix(Self.trees).allSatisfy { $0.last == "Invoice 2025-01.pdf" })
            #expect(!ranked.dropFirst(Self.trees).contains { $0.last == "Invoice 2025-01.pdf" })

            // Scope: recursive, full paths in the answer.
            #expect(try await s.names("").count == 12)
            #expect(try await s.all(#"{"scope":"/c005/invoices/"}"#) == [["c005", "invoices", "q1.csv"]])
            #expect(try await s.count(#"{"scope":"/"}"#) == 12 * Self.trees + Self.copies + 1)

            // Types, with negation.
            #expect(try await s.count(#"{"type":"dir"}"#) == Self.trees + Self.copies + 1)
            #expect(try await s.names(#""type":"!dir""#).count == 11)
            #expect(try await s.names(#""type":["file","!image"]"#).count == 10)
            #expect(try await s.names(#""type":"image""#) == ["photo.jpg"])
            #expect(try await s.names(#""type":"video""#) == ["clip.mp4"])
            #expect(try await s.names(#""type":["audio","txt"]"#) == ["notes.txt", "song.mp3"])
            #expect(try await s.names(#""type":"pdf""#) == ["Invoice 2025-01.pdf", "invoice-2024.PDF", "发票2025.pdf"])
            #expect(try await s.names(#""type":"doc""#) == ["report 2025.docx"])
            #expect(try await s.names(#""type":"excel""#) == ["q1.csv", "sheet.xlsx"])
            #expect(try await s.names(#""type":["all","!file"]"#) == ["invoices"])

            // Extensions, sizes, times, labels, categories.
            #expect(try await s.names(#""extname":[".pdf"]"#).count == 3)
            #expect(try await s.names(#""extname":["JPG","mp4"]"#) == ["clip.mp4", "photo.jpg"])
            #expect(
                try await s.names(#""minFileSize":100,"maxFileSize":"500""#) == [
                    "Invoice 2025-01.pdf", "report 2025.docx", "sheet.xlsx",
                ])
            #expect(try await s.names(#""minFileSize":1000"#) == ["invoice-2024.PDF"])
            #expect(try await s.count(#"{"modificationTimeEnd":"2021-01-01T00:00:00Z"}"#) == Self.trees)
            #expect(try await s.names(#""modificationTimeStart":"2021-01-01T08:00:00+08:00""#).count == 11)
            #expect(try await s.names(#""labels":["tax"]"#) == ["Invoice 2025-01.pdf", "report 2025.docx"])
            #expect(try await s.names(#""labels":"work""#) == ["report 2025.docx"])
            #expect(try await s.names(#""categories":["finance"]"#) == ["Invoice 2025-01.pdf", "sheet.xlsx"])
            #expect(try await s.names(#""categories ":["finance"]"#).count == 2, "the documented typo")
            #expect(try await s.names(#""creators":[{"userId":"nobody"}]"#).isEmpty)
            #expect(try await s.names(#""tags":[{"id":1}]"#).isEmpty)

            // All combined with AND.
            #expect(try await s.count(#"{"keyword":"invoice","type":"file","extname":[".pdf"]}"#) == 2 * Self.trees)
            #expect(try await s.names(#""keyword":"2025","labels":["tax"],"type":"!pdf""#) == ["report 2025.docx"])
        }
    }

    @Test func orderingAndPaging() async throws {
        try await Self.withTrees { s in
            let bySize = try await s.names(#""orderBy":"size","orderByType":"desc""#)
            #expect(bySize.count == 12)
            let sizeOrder = try await s.all(#"{"scope":"c005","orderBy":"size","orderByType":"desc"}"#).map {
                $0.last ?? ""
            }
            #expect(Array(sizeOrder.prefix(3)) == ["invoice-2024.PDF", "report 2025.docx", "sheet.xlsx"])
            #expect(sizeOrder.last == "invoices", "directories count as size 0")
            let byName = try await s.all(#"{"scope":"c005","orderBy":"name"}"#).map { $0.joined(separator: "/") }
            let nameOf = { (path: String) in String(path.split(separator: "/").last ?? "") }
            #expect(byName.count == 12)
            #expect(
                byName == byName.sorted { Array(nameOf($0).utf8).lexicographicallyPrecedes(Array(nameOf($1).utf8)) })
            #expect(byName.first == "c005/Invoice 2025-01.pdf", "byte order: capitals first")
            let byNameDown = try await s.all(#"{"scope":"c005","orderBy":"name","orderByType":"desc"}"#)
            #expect(byNameDown.map { $0.joined(separator: "/") } == byName.reversed())
            #expect(try await s.start(#"{"orderBy":"uploadTime"}"#).status == 200, "unknown orderBy is ignored")

            // The whole space by modification time, newest first: stored cursors give every item exactly once.
            let everything = try await s.all(#"{"orderBy":"modificationTime","orderByType":"desc"}"#)
            #expect(everything.count == 12 * Self.trees + Self.copies + 1)
            #expect(Set(everything.map { $0.joined(separator: "/") }).count == everything.count)
            #expect(everything.suffix(Self.trees).allSatisfy { $0.last == "notes.txt" })

            // Any offset can be asked for, not only the last nextMarker.
            let first = try await s.start(#"{"orderBy":"name"}"#)
            let id = try #require(try first.decoded(SearchPageAnswer.self).searchId)
            let page3 = try await s.more(id, 40)
            let names = try await s.all(#"{"orderBy":"name"}"#)
            #expect(try page3.decoded(SearchPageAnswer.self).contents.compactMap(\.path) == Array(names[40..<60]))
            let page2 = try await s.more(id, 20)
            #expect(try page2.decoded(SearchPageAnswer.self).contents.compactMap(\.path) == Array(names[20..<40]))
            let end = try await s.more(id, 1_000_000)
            #expect(end.status == 200)
            #expect(try end.decoded(SearchPageAnswer.self).contents.isEmpty)
            #expect(try end.decoded(SearchPageAnswer.self).hasMore == false)
        }
    }

    @Test func resultFieldsLifecycleAndErrors() async throws {
        try await UploadFixture.with { f in
            let s = Search(f: f)
            for directory in ["docs/old", "trash"] {
                _ = try await f.app.call(
                    .put, "/api/v1/directory/\(f.library.id)/-/\(directory)?access_token=\(f.token)")
            }
            _ = try await f.upload("docs/plan.txt", Array("plan".utf8))
            _ = try await f.upload("docs/old/plan-2.txt", Array("old".utf8))
            _ = try await f.upload("trash/plan-3.txt", Array("gone".utf8))
            let lib = f.library.id
            _ = try await f.app.call(
                .post, "/api/v1/favorite/\(lib)/-?access_token=\(f.token)", body: #"{"path":"docs/plan.txt"}"#)

            // Recycled items and everything below a recycled directory are not found.
            _ = try await f.app.call(.delete, "/api/v1/directory/\(lib)/-/trash?access_token=\(f.token)")
            _ = try await f.app.call(.delete, "/api/v1/file/\(lib)/-/docs/old/plan-2.txt?access_token=\(f.token)")
            let reply = try await s.start(#"{"keyword":"plan"}"#, "&with_inode=1&with_favorite_status=1")
            #expect(reply.status == 200)
            let page = try reply.decoded(SearchPageAnswer.self)
            #expect(page.contents.count == 1)
            let item = try #require(page.contents.first)
            #expect(item.name == "plan.txt")
            #expect(item.path == ["docs", "plan.txt"])
            #expect(item.type == "file")
            #expect(item.size == "4")
            #expect(item.isFavorite == true)
            #expect(item.inode?.count == 32)
            #expect(item.contentType == "text/plain")
            #expect(item.versionId == 1)
            #expect(item.metaData == [:])
            #expect(item.fileType == "text")
            #expect(item.crc64 != nil)
            #expect(item.eTag != nil)
            #expect(!item.creationTime.isEmpty)
            #expect(page.hasMore == false)
            #expect(page.nextMarker == nil)
            let plain = try #require(
                try await s.start(#"{"keyword":"plan"}"#).decoded(SearchPageAnswer.self).contents.first)
            #expect(plain.inode == nil)
            #expect(plain.isFavorite == nil)

            // S2 errors, S3 idempotent, expiry.
            let id = try #require(page.searchId)
            #expect(try await s.more(id, 0).status == 200)
            let noMarker = try await f.app.call(.get, "\(s.base)/\(id)?access_token=\(f.token)")
            #expect(noMarker.status == 400)
            #expect(noMarker.code == "SearchIdInvalid")
            #expect(
                try await f.app.call(.get, "\(s.base)/\(id)?marker=x&access_token=\(f.token)").code == "SearchIdInvalid"
            )
            let unknown = try await s.more("srch-unknown", 0)
            #expect(unknown.status == 404)
            #expect(unknown.code == "SearchIdNotFound")
            let flutter = try await f.app.call(.post, "\(s.base)?marker=20&access_token=\(f.token)", body: "{}")
            #expect(flutter.code == "SearchIdNotFound")
            #expect(try await f.app.call(.delete, "\(s.base)/\(id)?access_token=\(f.token)").status == 204)
            #expect(try await s.more(id, 0).code == "SearchIdNotFound")
            #expect(try await f.app.call(.delete, "\(s.base)/\(id)?access_token=\(f.token)").status == 204)
            let again = try #require(try await s.start("{}").decoded(SearchPageAnswer.self).searchId)
            try await f.app.execute("UPDATE searches SET expires_at = 0")
            #expect(try await s.more(again, 0).code == "SearchIdNotFound")
            #expect(
                try await f.app.store.deleteExpiredSearches(now: .init(milliseconds: 1)) == 2,
                "the searches not deleted by S3")

            // Bad conditions.
            let cases: [(String, Int, String)] = [
                (#"{"type":"bogus"}"#, 400, "ParamInvalid"),
                (#"{"type":["!nope"]}"#, 400, "ParamInvalid"),
                (#"{"orderByType":"up"}"#, 400, "ParamInvalid"),
                (#"{"minFileSize":-1}"#, 400, "ParamInvalid"),
                (#"{"minFileSize":"ten"}"#, 400, "ParamInvalid"),
                (#"{"minFileSize":10,"maxFileSize":5}"#, 400, "ParamInvalid"),
                (#"{"modificationTimeStart":"yesterday"}"#, 400, "InvalidTimeFormat"),
                (#"{"scope":"../etc"}"#, 400, "ParamInvalid"),
                (#"{"scope":"missing"}"#, 404, "DirectoryNotFound"),
                (#"{"scope":"docs/plan.txt"}"#, 404, "DirectoryNotFound"),
                (#"{"keyword":42}"#, 400, "ParamInvalid"),
                ("[1]", 400, "ParamInvalid"),
                ("{", 400, "BadRequest"),
                (
                    #"{"keyword":""# + (0...100).map { "k\($0)" }.joined(separator: " ") + #""}"#, 400,
                    "SearchTooComplex"
                ),
                (
                    #"{"extname":["# + (0...100).map { #"".e\#($0)""# }.joined(separator: ",") + "]}", 400,
                    "SearchTooComplex"
                ),
            ]
            for (body, status, code) in cases {
                let answer = try await s.start(body)
                #expect(answer.status == status, "\(body)")
                #expect(answer.code == code, "\(body): \(answer.text)")
            }
            #expect(
                try await f.app.call(.post, "\(s.base)/search-ai?access_token=\(f.token)", body: "{}").code
                    == "FunctionNotEnabled")
        }
    }

    /// S4 (`search-fs`, P2) on the same engine: string markers, limit, kinds, excluded extensions.
    @Test func fileSearch() async throws {
        try await Self.withTrees { s in
            let url = "\(s.base)/search-fs?access_token=\(s.f.token)"
            var marker: String?
            var names: [String] = []
            repeat {
                let reply = try await s.f.app.call(
                    .post, url + "&limit=7" + (marker.map { "&marker=\($0)" } ?? ""),
                    body: #"{"keywords":["invoice","song"],"scope":"c005","excludeExtnames":[".PDF"]}"#)
                #expect(reply.status == 200)
                let page = try reply.decoded(SearchPageAnswer.self)
                #expect(page.contents.count <= 7)
                names += page.contents.map(\.name)
                marker = page.nextMarker?.token
            } while marker != nil
            #expect(names == ["invoices", "song.mp3"])
            let dirs = try await s.f.app.call(.post, url, body: #"{"scope":"c005","fileTypes":["dir"]}"#)
            #expect(try dirs.decoded(SearchPageAnswer.self).contents.map(\.name) == ["invoices"])
            let cases: [(String, String, String)] = [
                ("", #"{"type":"filecontent","keywords":["x"]}"#, "FunctionNotEnabled"),
                ("", #"{"fileTypes":["pictures"]}"#, "ParamInvalid"),
                ("", #"{"inExtnames":[".averyverylongone"]}"#, "ParamInvalid"),
                ("&limit=0", "{}", "ParamInvalid"),
                ("&limit=101", "{}", "ParamInvalid"),
                ("&marker=abc", "{}", "ParamInvalid"),
                ("", #"{"minFileSize":9,"maxFileSize":1}"#, "ParamInvalid"),
            ]
            for (query, body, code) in cases {
                let reply = try await s.f.app.call(.post, url + query, body: body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.code == code, "\(body): \(reply.text)")
            }
            #expect(
                try await s.f.app.call(.post, "\(s.base)/search-fs-stats?access_token=\(s.f.token)", body: "{}").code
                    == "FunctionNotEnabled")
        }
    }

    @Test func switchedOffAndOtherSpaces() async throws {
        try await TestApp.with { app in
            let off = try await app.createLibrary(#"{"name":"quiet","enableSearch":false}"#)
            let offToken = try await app.token(off, "grant=admin")
            let refused = try await app.call(
                .post, "/api/v1/search/\(off.id)/-/space-contents?access_token=\(offToken)", body: "{}")
            #expect(refused.status == 400)
            #expect(refused.code == "SearchNotEnabled")

            let library = try await app.multiTenantLibrary()
            let a = try await app.createSpace(library.id, token: library.admin)
            let b = try await app.createSpace(library.id, token: library.admin)
            let started = try await app.call(
                .post, "/api/v1/search/\(library.id)/\(a)/space-contents?access_token=\(library.admin)", body: "{}")
            #expect(started.status == 200)
            let id = try #require(try started.decoded(SearchPageAnswer.self).searchId)
            let crossed = try await app.call(
                .get, "/api/v1/search/\(library.id)/\(b)/\(id)?marker=0&access_token=\(library.admin)")
            #expect(crossed.code == "SearchIdNotFound")
            let tokenB = try await app.token((library.id, library.secret), "space_id=\(b)")
            let foreign = try await app.call(
                .get, "/api/v1/search/\(library.id)/\(a)/\(id)?marker=0&access_token=\(tokenB)")
            #expect(foreign.status == 403)
        }
    }
}
