import Testing

@testable import SMHCore

@Suite struct ConflictTests {
    @Test func renamingPattern() {
        func c(_ name: String, _ n: Int, dir: Bool = false, max: Int = 255) -> String {
            ConflictRenaming.candidate(for: name, attempt: n, isDirectory: dir, maxLength: max)
        }
        #expect(c("photo.jpg", 1) == "photo (1).jpg")
        #expect(c("photo.jpg", 2) == "photo (2).jpg")
        #expect(c("file.tar.gz", 1) == "file.tar (1).gz")
        #expect(c("README", 3) == "README (3)")
        #expect(c(".env", 1) == ".env (1)")
        #expect(c("a (1).txt", 1) == "a (1) (1).txt", "an existing suffix is not parsed")
        #expect(c("my.dir", 1, dir: true) == "my.dir (1)", "directories are never split")
        #expect(c("文件.txt", 1) == "文件 (1).txt")
    }

    @Test func candidatesFitTheLengthLimitByShorteningTheStem() {
        let long = String(repeating: "x", count: 255) + ".txt"
        let candidate = ConflictRenaming.candidate(for: long, attempt: 12, isDirectory: false, maxLength: 255)
        #expect(candidate.unicodeScalars.count == 255)
        #expect(candidate.hasSuffix(" (12).txt"))
        let short = ConflictRenaming.candidate(for: "abcdef", attempt: 1, isDirectory: true, maxLength: 6)
        #expect(short == "ab (1)")
    }

    @Test func strategyParsingWithDefaultsAliasesAndForce() throws {
        #expect(try ConflictStrategy.parse(QueryParameters(raw: nil), for: .file) == .rename)
        #expect(try ConflictStrategy.parse(QueryParameters(raw: nil), for: .directory) == .ask)
        #expect(
            try ConflictStrategy.parse(QueryParameters(raw: "conflict-resolution-strategy=ask"), for: .file) == .ask)
        #expect(try ConflictStrategy.parse(QueryParameters(raw: "force=1"), for: .file) == .overwrite)
        #expect(try ConflictStrategy.parse(QueryParameters(raw: "force=0"), for: .file) == .rename)
        #expect(
            try ConflictStrategy.parse(QueryParameters(raw: "conflict_resolution_strategy=ask&force=1"), for: .file)
                == .ask)
        for (raw, target) in [
            ("conflict_resolution_strategy=overwrite", ConflictStrategy.Target.directory),
            ("conflict_resolution_strategy=Rename", .file), ("conflict_resolution_strategy=", .file),
        ] {
            do {
                _ = try ConflictStrategy.parse(QueryParameters(raw: Substring(raw)), for: target)
                Issue.record("\(raw) should be refused")
            } catch {
                #expect(error.code == .invalidConflictResolutionStrategy)
            }
        }
    }
}
