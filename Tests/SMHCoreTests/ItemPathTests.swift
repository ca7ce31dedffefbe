import Testing

@testable import SMHCore

@Suite struct ItemPathTests {
    @Test(arguments: [
        // The spec 10 §1.3 example in each SDK's encoding resolves to the same components.
        "a%20b%2Fc%2Bd%2F%E6%96%87%E4%BB%B6.txt",  // JS: encodeURIComponent of the whole tail
        "a%20b/c%2Bd/%E6%96%87%E4%BB%B6.txt",  // Java: / kept
        "a b/c+d/文件.txt",  // Dart: raw
        "/a%20b//c+d/%E6%96%87%E4%BB%B6.txt/",  // leading, doubled and trailing slashes
    ])
    func everyClientEncodingResolvesAlike(raw: String) throws {
        let path = try ItemPath.decode(rawTail: raw[...], leaf: .file)
        #expect(path.components == ["a b", "c+d", "文件.txt"])
    }

    @Test func emptyTailIsTheRoot() throws {
        #expect(try ItemPath.decode(rawTail: "").isRoot)
        #expect(try ItemPath.decode(rawTail: "///").isRoot)
    }

    @Test func lonePercentStaysLiteral() throws {
        #expect(try ItemPath.decode(rawTail: "100%/50%25x%zz").components == ["100%", "50%x%zz"])
    }

    @Test func decodesOnlyOnce() throws {
        #expect(try ItemPath.decode(rawTail: "a%252Fb").components == ["a%2Fb"])
    }

    @Test(arguments: [
        "..", ".", "a/../b", "a/%2E%2E/b", "a%2F..%2Fb", "x%00y", "tab%09name", "a:b", "q?", "p|q", "back%5Cslash",
    ])
    func illegalNamesAreRefused(raw: String) {
        #expect(throws: SMHError.self) { try ItemPath.decode(rawTail: raw[...]) }
        do {
            _ = try ItemPath.decode(rawTail: raw[...])
        } catch {
            #expect(error.code == .illegalFileName)
        }
    }

    @Test func invalidUTF8IsIllegalFileName() {
        do {
            _ = try ItemPath.decode(rawTail: "bad%FF%FEname")
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == .illegalFileName)
        }
    }

    @Test func lengthIsCountedInCharactersWithTheRightCode() throws {
        let longest = String(repeating: "文", count: 255)
        #expect(try ItemPath.decode(rawTail: longest[...], leaf: .file).components == [longest])
        do {
            _ = try ItemPath.decode(rawTail: (longest + "x")[...], leaf: .file)
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == .fileNameLengthExceed)
        }
        do {
            _ = try ItemPath.decode(rawTail: (longest + "x/file.txt")[...], leaf: .file)
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == .directoryNameLengthExceed)
        }
        do {
            _ = try ItemPath.decode(rawTail: "abcdef/x", leaf: .file, maxNameLength: 5)
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == .directoryNameLengthExceed)
        }
    }

    @Test func bodyPathsToleratesLeadingSlashAndAreNotDecoded() throws {
        #expect(
            try ItemPath.parse(bodyPath: "/dest/test%20x.xlsx", leaf: .file).components == ["dest", "test%20x.xlsx"])
        #expect(throws: SMHError.self) { try ItemPath.parse(bodyPath: "a/../b") }
    }

    @Test func emptyFileNameCode() {
        do {
            try NameRules.validate("", as: .file)
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == .emptyFileName)
        }
    }

    @Test func trailingSpacesAndDotsAreKept() throws {
        #expect(try ItemPath.decode(rawTail: "name.%20/file.txt.").components == ["name. ", "file.txt."])
    }
}

@Suite struct APIPathTests {
    @Test func splitsGroupAndFixedSegments() throws {
        let path = try #require(APIPath(rawPath: "/api/v1/file/smhabc/-/dir%2Fa/b.txt"))
        #expect(path.group == "file")
        let (fixed, tail) = try #require(path.split(fixedSegments: 2))
        #expect(fixed == ["smhabc", "-"])
        #expect(tail == "/dir%2Fa/b.txt")
        #expect(try ItemPath.decode(rawTail: tail, leaf: .file).components == ["dir", "a", "b.txt"])
    }

    @Test func collapsesDoubledSlashesOnlyInThePrefix() throws {
        let path = try #require(APIPath(rawPath: "//api//v1/directory/lib/space//x"))
        #expect(path.group == "directory")
        let (fixed, tail) = try #require(path.split(fixedSegments: 2))
        #expect(fixed == ["lib", "space"])
        #expect(tail == "//x")
    }

    @Test func refusesOtherPrefixesAndMissingSegments() {
        #expect(APIPath(rawPath: "/admin/v1/libraries") == nil)
        #expect(APIPath(rawPath: "/api/v2/file") == nil)
        #expect(APIPath(rawPath: "/api/v1/") == nil)
        #expect(APIPath(rawPath: "/api/v1/space/lib")?.split(fixedSegments: 2) == nil)
    }
}
