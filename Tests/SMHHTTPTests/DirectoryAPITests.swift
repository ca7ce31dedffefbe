import Foundation
import HTTPTypes
import SMHCore
import SMHTestSupport
import SQLKit
import Testing

/// Spec 20 §5 (D-01 … D-04, D-08) and the album rules of §6.
@Suite struct DirectoryAPITests {
    struct Fixture {
        let app: TestApp
        let library: String
        let token: String
        var base: String { "/api/v1/directory/\(library)/-" }

        func call(
            _ method: HTTPRequest.Method, _ path: String, _ query: String = "", body: String? = nil,
            headers: HTTPFields = [:]
        ) async throws -> Reply {
            try await app.call(method, "\(base)/\(path)?access_token=\(token)\(query)", body: body, headers: headers)
        }

        func names(_ path: String, _ query: String = "") async throws -> [String] {
            let reply = try await call(.get, path, query)
            return try reply.decoded(ListingAnswer.self).contents.map(\.name)
        }

        /// A file row, standing in for an upload until uploads exist.
        func insertFile(_ name: String, in directory: String, size: Int64 = 10, createdAt: Int64 = 1000) async throws {
            let parent = try await app.store.read { db in
                try await db.raw(
                    """
                    SELECT id FROM nodes WHERE library_id = \(bind: library) AND
                    \(unsafeRaw: directory.isEmpty ? "parent_id IS NULL" : "name = '\(directory)' AND state = 'live'")
                    """
                ).first()!.decode(column: "id", as: Int64.self)
            }
            try await app.execute(
                """
                INSERT INTO nodes (library_id, space_id, parent_id, name, kind, size, etag, crc64, content_type,
                                   created_at, updated_at)
                VALUES ('\(library)', '-', \(parent), '\(name)', 'file', \(size), '"0123"', '0', 'text/plain',
                        \(createdAt), \(createdAt))
                """)
        }
    }

    static func with(_ libraryBody: String = #"{"name":"dirs"}"#, _ body: @Sendable (Fixture) async throws -> Void)
        async throws
    {
        try await TestApp.with { app in
            let library = try await app.createLibrary(libraryBody)
            let token = try await app.token(library, "grant=admin")
            try await body(Fixture(app: app, library: library.id, token: token))
        }
    }

    @Test func createNestedWithEncodedSlashesAndInode() async throws {
        try await Self.with { f in
            let created = try await f.call(.put, "a%2Fb/c", "&with_inode=1")
            #expect(created.status == 201)
            let made = try created.decoded(CreatedAnswer.self)
            #expect(made.path == ["a", "b", "c"])
            #expect(made.inode?.count == 32)
            #expect(made.creationTime.hasSuffix("Z"))
            #expect(try await f.call(.head, "a/b/c").status == 200)
            #expect(try await f.names("a/b") == ["c"])
        }
    }

    @Test func conflictStrategies() async throws {
        try await Self.with { f in
            #expect(try await f.call(.put, "docs").status == 201)
            let ask = try await f.call(.put, "docs")
            #expect(ask.status == 409)
            #expect(ask.code == "SameNameDirectoryOrFileExists")
            let renamed = try await f.call(.put, "docs", "&conflict_resolution_strategy=rename")
            #expect(try renamed.decoded(CreatedAnswer.self).path == ["docs (1)"])
            let again = try await f.call(.put, "docs", "&conflict_resolution_strategy=rename")
            #expect(try again.decoded(CreatedAnswer.self).path == ["docs (2)"])
            let overwrite = try await f.call(.put, "docs", "&conflict_resolution_strategy=overwrite")
            #expect(overwrite.code == "InvalidConflictResolutionStrategy")
            let bogus = try await f.call(.put, "docs", "&conflict_resolution_strategy=merge")
            #expect(bogus.code == "InvalidConflictResolutionStrategy")

            try await f.insertFile("report.txt", in: "docs")
            let throughFile = try await f.call(.put, "docs/report.txt/sub", "&conflict_resolution_strategy=rename")
            #expect(throughFile.status == 409)
            #expect(throughFile.code == "SameNameDirectoryOrFileExists")
            let onFile = try await f.call(.put, "docs/report.txt", "&conflict_resolution_strategy=rename")
            #expect(onFile.code == "SameNameDirectoryOrFileExists", "a file in the way is a conflict even with rename")
            #expect(try await f.names("") == ["docs", "docs (1)", "docs (2)"])
        }
    }

    @Test func concurrentCreatesWithRenameGetDistinctNames() async throws {
        try await Self.with { f in
            let paths = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let reply = try await f.call(.put, "same", "&conflict_resolution_strategy=rename")
                        return try reply.decoded(CreatedAnswer.self).path
                    }
                }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            #expect(Set(paths).count == 20)
            #expect(Set(try await f.names("", "&limit=100")).count == 20)
        }
    }

    @Test(arguments: [
        ("..", "IllegalFileName"), ("a/../b", "IllegalFileName"), ("%2E", "IllegalFileName"),
        ("bad%00name", "IllegalFileName"),
        ("tab%09", "IllegalFileName"), ("a%3Ab", "IllegalFileName"), ("%FF%FE", "IllegalFileName"),
        (String(repeating: "n", count: 256), "DirectoryNameLengthExceed"), ("", "RootDirectoryNotAllowed"),
    ])
    func badNamesAreRefusedWith400(path: String, code: String) async throws {
        try await Self.with { f in
            let reply = try await f.call(.put, path)
            #expect(reply.status == 400, "\(path)")
            #expect(reply.code == code, "\(path)")
        }
    }

    @Test func libraryNameLengthSettingApplies() async throws {
        try await Self.with(#"{"name":"short","maxDirFileNameLength":5}"#) { f in
            #expect(try await f.call(.put, "abcde").status == 201)
            #expect(try await f.call(.put, "abcdef").code == "DirectoryNameLengthExceed")
            let renamed = try await f.call(.put, "abcde", "&conflict_resolution_strategy=rename")
            #expect(try renamed.decoded(CreatedAnswer.self).path == ["a (1)"], "the stem is shortened to fit")
        }
    }

    @Test func albumRulesOfMediaLibraries() async throws {
        try await Self.with(#"{"name":"albums","libraryType":"media"}"#) { f in
            #expect(try await f.call(.put, "holidays").status == 201)
            let nested = try await f.call(.put, "holidays/2024")
            #expect(nested.status == 400)
            #expect(nested.code == "DirectoryLevelExceed")
        }
        try await Self.with(#"{"name":"flat","libraryType":"media","isMultiAlbum":false}"#) { f in
            let refused = try await f.call(.put, "holidays")
            #expect(refused.status == 400)
            #expect(refused.code == "DirectoryNotAllowed")
        }
    }

    @Test func listingFieldsOrdersAndFilters() async throws {
        try await Self.with { f in
            for name in ["b", "a", "c"] { _ = try await f.call(.put, "top/\(name)") }
            try await f.insertFile("z.txt", in: "top", size: 5, createdAt: 3000)
            try await f.insertFile("y.jpg", in: "top", size: 50, createdAt: 2000)
            let reply = try await f.call(.get, "top", "&with_inode=1")
            #expect(reply.status == 200)
            let page = try reply.decoded(ListingAnswer.self)
            #expect(page.path == ["top"])
            #expect(page.fileCount == 2)
            #expect(page.subDirCount == 3)
            #expect(page.totalNum == 5)
            #expect(page.nextMarker == nil)
            #expect(reply.header("ETag") == page.eTag)
            let items = page.contents
            #expect(items.map(\.name) == ["a", "b", "c", "y.jpg", "z.txt"], "directories first, then files")
            let file = try #require(items.last)
            #expect(file.type == "file")
            #expect(file.size == "5")
            #expect(file.fileType == "text")
            #expect(file.path == ["top", "z.txt"])
            #expect(file.inode?.count == 32)
            #expect(items.first?.type == "dir")

            #expect(try await f.names("top", "&filter=onlyFile") == ["y.jpg", "z.txt"])
            #expect(try await f.names("top", "&filter=onlyDir") == ["a", "b", "c"])
            #expect(try await f.names("top", "&order_by=size&order_by_type=desc") == ["a", "b", "c", "y.jpg", "z.txt"])
            #expect(
                try await f.names("top", "&order_by=size&order_by_type=desc&sort_type=union") == [
                    "y.jpg", "z.txt", "a", "b", "c",
                ])
            #expect(try await f.names("top", "&orderBy=name&orderByType=desc") == ["c", "b", "a", "z.txt", "y.jpg"])
            #expect(try await f.names("top", "&order_by=creationTime&filter=onlyFile") == ["y.jpg", "z.txt"])
            #expect(try await f.names("top", "&prefix=y") == ["y.jpg"])
            #expect(try await f.names("top", "&start_name=b") == ["c", "y.jpg", "z.txt"])
            #expect(try await f.names("top", "&page=2&page_size=2") == ["c", "y.jpg"])
            #expect(try await f.names("top", "&offset=4&limit=10") == ["z.txt"])

            for (query, code) in [
                ("&order_by=colour", "OrderByNotAllowed"), ("&order_by_type=up", "OrderByTypeNotAllowed"),
                ("&filter=all", "ParamInvalid"), ("&page=0", "ParamInvalid"),
                ("&page=101&page_size=100", "ParamInvalid"), ("&page=9223372036854775807&page_size=2", "ParamInvalid"),
                ("&offset=-1", "ParamInvalid"),
                ("&limit=x", "ParamInvalid"), ("&marker=garbage", "MarkerNotFound"),
                ("&sort_type=mixed", "ParamInvalid"),
            ] {
                let bad = try await f.call(.get, "top", query)
                #expect(bad.code == code, "\(query)")
            }
            let onFile = try await f.call(.get, "top/z.txt")
            #expect(onFile.status == 404)
            #expect(onFile.code == "DirectoryNotFound")
            #expect(try await f.call(.get, "nowhere").code == "DirectoryNotFound")
        }
    }

    @Test func mediaLibrariesListNewestFilesFirst() async throws {
        try await Self.with(#"{"name":"m","libraryType":"media","isMultiAlbum":false}"#) { f in
            try await f.insertFile("old.jpg", in: "", createdAt: 1000)
            try await f.insertFile("new.mp4", in: "", createdAt: 5000)
            try await f.insertFile("mid.jpg", in: "", createdAt: 3000)
            let reply = try await f.call(.get, "")
            let items = try reply.decoded(ListingAnswer.self).contents
            #expect(items.map(\.name) == ["new.mp4", "mid.jpg", "old.jpg"])
            #expect(items.map(\.type) == ["video", "image", "image"])
        }
    }

    @Test func ifNoneMatchAnswers304UntilTheListingChanges() async throws {
        try await Self.with { f in
            _ = try await f.call(.put, "watched")
            let first = try await f.call(.get, "watched")
            let eTag = try #require(first.header("ETag"))
            let cached = try await f.call(.get, "watched", headers: [.ifNoneMatch: eTag])
            #expect(cached.status == 304)
            #expect(cached.text.isEmpty)
            let info = try await f.call(.get, "watched", "&info", headers: [.ifNoneMatch: eTag])
            #expect(info.status == 304)
            _ = try await f.call(.put, "watched/child")
            let changed = try await f.call(.get, "watched", headers: [.ifNoneMatch: eTag])
            #expect(changed.status == 200)
            #expect(changed.header("ETag") != eTag)
        }
    }

    @Test func infoAndHead() async throws {
        try await Self.with { f in
            _ = try await f.call(.put, "a/b")
            try await f.insertFile("f.txt", in: "a")
            let root = try await f.call(.get, "", "&info")
            #expect(root.status == 200)
            let rootEntry = try root.decoded(NodeAnswer.self)
            #expect(rootEntry.path == [])
            #expect(rootEntry.name == "")
            #expect(rootEntry.type == "dir")
            let dir = try await f.call(.get, "a/b", "&info=1&with_inode=1")
            let dirEntry = try dir.decoded(NodeAnswer.self)
            #expect(dirEntry.name == "b")
            #expect(dirEntry.path == ["a", "b"])
            #expect(dirEntry.inode?.count == 32)
            let file = try await f.call(.get, "a/f.txt", "&info")
            let fileEntry = try file.decoded(NodeAnswer.self)
            #expect(fileEntry.type == "file")
            #expect(fileEntry.size == "10")
            let missing = try await f.call(.get, "a/none", "&info")
            #expect(missing.status == 404)
            #expect(missing.code == "PathNotFound")

            #expect(try await f.call(.head, "").status == 200)
            #expect(try await f.call(.head, "a/b").status == 200)
            let headFile = try await f.call(.head, "a/f.txt")
            #expect(headFile.status == 404)
            #expect(headFile.text.isEmpty)
            #expect(try await f.call(.head, "zzz").status == 404)
        }
    }

    @Test func deleteIntoTheRecycleBinOrForGood() async throws {
        try await Self.with { f in
            _ = try await f.call(.put, "old/inner/deeper")
            let recycled = try await f.call(.delete, "old")
            #expect(recycled.status == 200)
            let itemId = try recycled.decoded(RecycledAnswer.self).recycledItemId
            #expect(itemId > 0)
            #expect(try await f.call(.head, "old").status == 404)
            #expect(try await f.call(.get, "old/inner").code == "DirectoryNotFound")
            #expect(try await f.call(.put, "old").status == 201, "the name is free again")
            let rows = try await f.app.store.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM recycle_items").first()!.decode(column: "n", as: Int.self)
            }
            #expect(rows == 1)

            let permanent = try await f.call(.delete, "old", "&permanent=1")
            #expect(permanent.status == 204)
            #expect(try await f.call(.head, "old").status == 404)

            #expect(try await f.call(.delete, "").code == "RootDirectoryNotAllowed")
            #expect(try await f.call(.delete, "missing").code == "DirectoryNotFound")
            try await f.insertFile("x.txt", in: "")
            #expect(try await f.call(.delete, "x.txt").code == "DirectoryNotFound")
        }
        try await Self.with(#"{"name":"norecycle","useRecycleBin":false}"#) { f in
            _ = try await f.call(.put, "gone/sub")
            #expect(try await f.call(.delete, "gone").status == 204)
            let left = try await f.app.store.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM nodes WHERE parent_id IS NOT NULL").first()!
                    .decode(column: "n", as: Int.self)
            }
            #expect(left == 0, "the whole subtree left the database")
        }
    }

    @Test func permissionsOfDirectoryOperations() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary()
            let admin = try await app.token(library, "grant=admin")
            let base = "/api/v1/directory/\(library.id)/-"
            _ = try await app.call(.put, "\(base)/shared?access_token=\(admin)")
            let reader = try await app.token(library)
            #expect(try await app.call(.get, "\(base)/shared?access_token=\(reader)").status == 200)
            #expect(try await app.call(.put, "\(base)/new?access_token=\(reader)").code == "NoPermission")
            let creator = try await app.token(library, "grant=create_directory")
            #expect(try await app.call(.put, "\(base)/new?access_token=\(creator)").status == 201)
            #expect(try await app.call(.delete, "\(base)/new?access_token=\(creator)").code == "NoPermission")
            let deleter = try await app.token(library, "grant=delete_directory")
            #expect(
                try await app.call(.delete, "\(base)/new?access_token=\(deleter)&permanent=1").code == "NoPermission")
            #expect(try await app.call(.delete, "\(base)/new?access_token=\(deleter)").status == 200)
            let permanent = try await app.token(library, "grant=delete_directory_permanent")
            #expect(try await app.call(.delete, "\(base)/shared?access_token=\(permanent)&permanent=1").status == 204)
            #expect(try await app.call(.get, "\(base)/shared").code == "EmptyAccessToken")
        }
    }

    @Test func spacesAreIsolated() async throws {
        try await TestApp.with { app in
            let library = try await app.multiTenantLibrary()
            let a = try await app.createSpace(library.id, token: library.admin)
            let b = try await app.createSpace(library.id, token: library.admin)
            _ = try await app.call(.put, "/api/v1/directory/\(library.id)/\(a)/private?access_token=\(library.admin)")
            let inB = try await app.call(
                .get, "/api/v1/directory/\(library.id)/\(b)/private?access_token=\(library.admin)")
            #expect(inB.code == "DirectoryNotFound")
            let tokenB = try await app.token((library.id, library.secret), "space_id=\(b)")
            let crossing = try await app.call(
                .get, "/api/v1/directory/\(library.id)/\(a)/private?access_token=\(tokenB)")
            #expect(crossing.code == "AccessTokenNotMatchSpace")
        }
    }

    /// A directory of 10 000 entries pages through the database: every page is bounded, every entry seen once.
    @Test func tenThousandEntriesPageThrough() async throws {
        try await Self.with { f in
            _ = try await f.call(.put, "big")
            let space = try await f.app.store.space(library: LibraryID(f.library), id: .singleTenant)
            let found = try await f.app.store.node(in: try #require(space), at: ItemPath(validated: ["big"]))
            let parent = try #require(found)
            try await f.app.store.transaction { db in
                for chunk in stride(from: 0, to: 10_000, by: 500) {
                    let values = (chunk..<chunk + 500).map {
                        "('\(f.library)', '-', \(parent.inode.rawValue), 'f\(String(format: "%05d", $0)).txt', 'file', 1, \($0), \($0))"
                    }.joined(separator: ",")
                    try await db.raw(
                        "INSERT INTO nodes (library_id, space_id, parent_id, name, kind, size, created_at, updated_at) VALUES \(unsafeRaw: values)"
                    ).run()
                }
            }
            var seen: [String] = []
            var marker: String?
            var pages = 0
            repeat {
                let reply = try await f.call(.get, "big", "&limit=1000" + (marker.map { "&marker=\($0)" } ?? ""))
                let page = try reply.decoded(ListingAnswer.self)
                #expect(page.contents.count <= 1000)
                seen += page.contents.map(\.name)
                marker = page.nextMarker
                pages += 1
            } while marker != nil && pages < 20
            #expect(pages == 10)
            #expect(seen.count == 10_000)
            #expect(seen == seen.sorted())
            #expect(Set(seen).count == 10_000)
            let last = try await f.call(.get, "big", "&page=100&page_size=100")
            #expect(try last.decoded(ListingAnswer.self).contents.count == 100)
        }
    }

    @Test func moveAndRenameDirectories() async throws {
        try await Self.with { f in
            _ = try await f.call(.put, "src/inner")
            try await f.insertFile("keep.txt", in: "inner")
            let inode = try await f.call(.get, "src/inner", "&info&with_inode=1").decoded(NodeAnswer.self).inode

            let renamed = try await f.call(.put, "dst/renamed", body: #"{"from":"/src/inner"}"#)
            #expect(renamed.status == 204, "ask (the default) answers 204")
            #expect(try await f.call(.head, "src/inner").status == 404)
            let moved = try await f.call(.get, "dst/renamed", "&info&with_inode=1")
            #expect(try moved.decoded(NodeAnswer.self).inode == inode, "the subtree keeps its inodes")
            #expect(try await f.names("dst/renamed") == ["keep.txt"])

            _ = try await f.call(.put, "other")
            let taken = try await f.call(.put, "dst/renamed", body: #"{"from":"other"}"#)
            #expect(taken.status == 409)
            #expect(taken.code == "SameNameDirectoryOrFileExists")
            let withRename = try await f.call(
                .put, "dst/renamed", "&conflict_resolution_strategy=rename", body: #"{"from":"other"}"#)
            #expect(withRename.status == 200)
            #expect(try withRename.decoded(CreatedAnswer.self).path == ["dst", "renamed (1)"])

            let itself = try await f.call(.put, "dst/renamed", body: #"{"from":"dst/renamed"}"#)
            #expect(itself.status == 204, "onto itself is a no-op")
            let below = try await f.call(.put, "dst/renamed/deeper/x", body: #"{"from":"dst"}"#)
            #expect(below.status == 400)
            #expect(below.code == "SourceDirectoryIsParentOfDestination")
            #expect(try await f.call(.head, "dst/renamed/deeper").status == 404, "nothing was half-created")

            #expect(try await f.call(.put, "x", body: #"{"from":"missing"}"#).code == "SourceDirectoryNotFound")
            #expect(
                try await f.call(.put, "x", body: #"{"from":"dst/renamed/keep.txt"}"#).code == "InvalidSourceDirectory")
            #expect(try await f.call(.put, "x", body: #"{"from":"/"}"#).code == "InvalidSourceDirectory")
            #expect(try await f.call(.put, "x", body: #"{"from":"a/../b"}"#).code == "InvalidSourceDirectory")
            #expect(try await f.call(.put, "x", body: #"{"from":5}"#).code == "ParamInvalid")
        }
    }

    /// `fileCount` and `subDirCount` are cached under the directory's eTag (`ChildCountCache`): after each kind of
    /// change to its children — through the API, or by another instance writing to the same database — a listing,
    /// with the cache warm from the one before, shows the true counts.
    @Test func childCountsFollowEveryChangeOfTheChildren() async throws {
        try await UploadFixture.with { f in
            let (dirs, files, token) = (
                "/api/v1/directory/\(f.library.id)/-", "/api/v1/file/\(f.library.id)/-", "access_token=\(f.token)"
            )
            func step(_ name: String, _ reply: Reply, expecting expected: [Int]) async throws {
                #expect(reply.status < 300, "\(name): \(reply.status) \(reply.text)")
                for page in ["&limit=1", ""] {
                    let listing = try await f.app.call(.get, "\(dirs)/d?\(token)\(page)").decoded(ListingAnswer.self)
                    #expect([listing.fileCount, listing.subDirCount] == expected, "\(name)")
                }
                let truth = try await f.app.store.read { db in
                    try await db.raw(
                        """
                        SELECT (SELECT COUNT(*) FROM nodes c WHERE c.parent_id = d.id AND c.state = 'live'
                                AND c.kind <> 'dir') AS files,
                               (SELECT COUNT(*) FROM nodes c WHERE c.parent_id = d.id AND c.state = 'live'
                                AND c.kind = 'dir') AS dirs
                        FROM nodes d WHERE d.name = 'd' AND d.state = 'live' AND d.library_id = \(bind: f.library.id)
                        """
                    ).first().map {
                        [try $0.decode(column: "files", as: Int.self), try $0.decode(column: "dirs", as: Int.self)]
                    }
                }
                #expect(truth == expected, "\(name): the database")
            }
            try await step(
                "directory created", try await f.app.call(.put, "\(dirs)/d/sub?\(token)"), expecting: [0, 1])
            try await step("file uploaded", try await f.upload("d/a.txt", [1]), expecting: [1, 1])
            try await step("another", try await f.upload("d/b.txt", [2]), expecting: [2, 1])
            try await step(
                "link made", try await f.app.call(.put, "\(files)/d/l.txt?\(token)", body: #"{"linkTo":"d/a.txt"}"#),
                expecting: [3, 1])
            try await step(
                "renamed in place",
                try await f.app.call(.put, "\(files)/d/c.txt?\(token)", body: #"{"from":"d/b.txt"}"#),
                expecting: [3, 1])
            try await step(
                "moved out", try await f.app.call(.put, "\(files)/c.txt?\(token)", body: #"{"from":"d/c.txt"}"#),
                expecting: [2, 1])
            try await step(
                "copied in", try await f.app.call(.put, "\(files)/d/c.txt?\(token)", body: #"{"copyFrom":"c.txt"}"#),
                expecting: [3, 1])
            _ = try await f.app.call(.put, "\(dirs)/e?\(token)")
            try await step(
                "directory moved in", try await f.app.call(.put, "\(dirs)/d/e?\(token)", body: #"{"from":"e"}"#),
                expecting: [3, 2])
            let recycled = try await f.app.call(.delete, "\(files)/d/a.txt?\(token)")
            // The link to it goes into the recycle bin with it (spec 20 F-19).
            try await step("file recycled", recycled, expecting: [1, 2])
            let item = try recycled.decoded(RecycledAnswer.self).recycledItemId
            try await step(
                "file restored",
                try await f.app.call(.post, "/api/v1/recycled/\(f.library.id)/-/\(item)?restore&\(token)"),
                expecting: [3, 2])
            try await step(
                "directory deleted for good", try await f.app.call(.delete, "\(dirs)/d/sub?\(token)&permanent=1"),
                expecting: [3, 1])
            // Another instance adds a child: its transaction moves the directory's eTag, as `NodeRows.touch` does.
            try await f.app.store.transaction { db in
                let parent = try await db.raw(
                    "SELECT id FROM nodes WHERE name = 'd' AND state = 'live' AND library_id = \(bind: f.library.id)"
                ).first()!.decode(column: "id", as: Int64.self)
                try await db.raw(
                    """
                    INSERT INTO nodes (library_id, space_id, parent_id, name, kind, created_at, updated_at)
                    VALUES (\(bind: f.library.id), '-', \(bind: parent), 'elsewhere', 'dir', 1, 1)
                    """
                ).run()
                try await db.raw("UPDATE nodes SET updated_at = updated_at + 1 WHERE id = \(bind: parent)").run()
            }
            try await step(
                "another instance made a directory", Reply(status: 200, headers: [:], text: ""), expecting: [3, 2])
        }
    }

    @Test func createStoresLabelsAndMetadataOfTheBody() async throws {
        try await Self.with { f in
            let created = try await f.call(.put, "tagged", body: #"{"labels":["team"],"metaData":{"Owner":"ops"}}"#)
            #expect(created.status == 201)
            let described = try created.decoded(CreatedAnswer.self)
            #expect(described.labels == ["team"])
            #expect(described.metaData == ["x-smh-meta-owner": "ops"])
            let info = try await f.call(.get, "tagged", "&info")
            #expect(try info.decoded(NodeAnswer.self).labels == ["team"])
            let plain = try await f.call(.put, "plain", body: "{}")
            let plainEntry = try plain.decoded(CreatedAnswer.self)
            #expect(plainEntry.labels == nil && plainEntry.metaData == nil)
            #expect(try await f.call(.put, "bad", body: #"{"labels":[""]}"#).code == "ParamInvalid")
            #expect(try await f.call(.head, "bad").status == 404, "a refused body creates nothing")
        }
    }
}
