import Foundation
import SMHCore
import SMHStoreSQL
import SMHTestSupport
import Testing

@testable import SMHHTTP

/// The wire encoder must write exactly what Foundation's encoder wrote before it (sorted keys, unescaped slashes).
@Suite struct WireJSONEncoderTests {
    struct Inner: Codable, Equatable {
        var b: Int64
        var a: String?
    }

    struct Sample: Encodable {
        var path: [String]
        var name: String
        var size: Int64
        var flag: Bool
        var missing: String?
        var explicitNull: String?
        var meta: [String: String]
        var inner: Inner
        var list: [Inner]
        var ratio: Double
        var whole: Double
        var empty: [String]
        var url: URL

        enum CodingKeys: String, CodingKey {
            case path, name, size, flag, missing, explicitNull, meta, inner, list, ratio, whole, empty, url
            case zLast = "Zed"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(name, forKey: .name)
            try container.encode(size, forKey: .size)
            try container.encode(flag, forKey: .flag)
            try container.encodeIfPresent(missing, forKey: .missing)
            try container.encode(explicitNull, forKey: .explicitNull)
            try container.encode(meta, forKey: .meta)
            try container.encode(inner, forKey: .inner)
            try container.encode(list, forKey: .list)
            try container.encode(ratio, forKey: .ratio)
            try container.encode(whole, forKey: .whole)
            try container.encode(empty, forKey: .empty)
            try container.encode(url, forKey: .url)
            var nested = container.nestedContainer(keyedBy: CodingKeys.self, forKey: .zLast)
            try nested.encode("x", forKey: .name)
        }
    }

    func foundation(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func wire(_ value: some Encodable) throws -> String {
        String(decoding: try WireJSONEncoder().encode(value), as: UTF8.self)
    }

    @Test func matchesFoundationByteForByte() throws {
        let sample = Sample(
            path: ["a/b", "名字 (1).jpg", "quote\"back\\slash", "ctl\u{01}\n\t\r"], name: "é/ü", size: -42, flag: true,
            missing: nil, explicitNull: nil, meta: ["x-smh-meta-b": "2", "x-smh-meta-a": "1", "Z": "up"],
            inner: Inner(b: 1, a: nil), list: [Inner(b: 2, a: "two"), Inner(b: 3, a: "")], ratio: 0.1, whole: 3,
            empty: [], url: URL(string: "http://127.0.0.1:8080/_opensmh/dl/a%2Fb?x=1")!)
        #expect(try wire(sample) == foundation(sample))
        for value in [[String: Int](), ["b": 2, "a": 1, "B": 0]] {
            #expect(try wire(value) == foundation(value))
        }
        #expect(try wire([Int64.max, Int64.min]) == foundation([Int64.max, Int64.min]))
        #expect(try wire("plain") == foundation("plain"))
    }

    @Test func refusesNonFiniteNumbers() {
        #expect(throws: EncodingError.self) { try WireJSONEncoder().encode([Double.nan]) }
    }
}

/// The hand-written JSON of listing items must be byte for byte what their `Encodable` form gives.
@Suite struct JSONWritableTests {
    func foundation(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func written(_ value: some JSONWritable) -> String {
        var out: [UInt8] = []
        value.writeJSON(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func nodes() -> [Node] {
        var nodes: [Node] = []
        let names = ["a.jpg", "clip.MP4", "notes.txt", "no-extension", "名字 \"quoted\".png", "tab\there.pdf"]
        for (index, name) in names.enumerated() {
            for kind in [Node.Kind.file, .directory, .symlink] {
                nodes.append(
                    Node(
                        inode: Inode(Int64(index * 7 + 1)), parent: Inode(1), name: name, kind: kind,
                        size: Int64(index) * 1_000_003, contentType: "image/jpeg",
                        crc64: index % 2 == 0 ? "1234567890123456789" : nil, eTag: index % 3 == 0 ? "\"abc\"" : nil,
                        labels: index % 2 == 1 ? ["travel", "a/b"] : [], category: index % 3 == 1 ? "photo" : "",
                        metaData: index % 2 == 0 ? ["x-smh-meta-b": "2", "x-smh-meta-a": "é"] : [:],
                        creatorUserId: index % 2 == 0 ? "alice" : "",
                        createdAt: Timestamp(milliseconds: 1_700_000_000_123 + Int64(index)),
                        updatedAt: Timestamp(milliseconds: 1_700_000_500_000),
                        linkTarget: kind == .symlink ? Inode(99) : nil,
                        localTimes: index % 2 == 0
                            ? LocalTimes(created: Timestamp(milliseconds: 0), modified: Timestamp(milliseconds: -1))
                            : LocalTimes()))
            }
        }
        return nodes
    }

    @Test func nodeWireMatchesItsEncodable() throws {
        for node in Self.nodes() {
            for libraryType in [LibraryType.file, .media] {
                for (withInode, includeName, includeLinkTo, alwaysMetaData) in [
                    (false, true, false, false), (true, false, true, true),
                ] {
                    for isFavorite in [nil, true, false] {
                        let wire = NodeWire(
                            node: node, path: ["dir", node.name], libraryType: libraryType, withInode: withInode,
                            includeName: includeName, includeLinkTo: includeLinkTo, isFavorite: isFavorite,
                            alwaysMetaData: alwaysMetaData)
                        #expect(written(wire) == (try foundation(wire)), "\(node.name) \(node.kind)")
                    }
                }
            }
        }
    }

    @Test func listingWireMatchesItsEncodable() throws {
        let nodes = Self.nodes()
        for (nextMarker, favorites) in [(nil, nil), ("m-1", Set([Inode(1), Inode(8)]))] as [(String?, Set<Inode>?)] {
            let listing = DirectoryService<SQLStore>.Listing(
                path: ["a", "b"], directory: nodes[1], items: nodes, fileCount: 12, subDirectoryCount: 6,
                nextMarker: nextMarker)
            let wire = ListingWire(listing: listing, libraryType: .media, withInode: true, favorites: favorites)
            #expect(written(wire) == (try foundation(wire)))
            #expect(String(decoding: try WireJSONEncoder().encode(wire), as: UTF8.self) == (try foundation(wire)))
        }
        let empty = ListingWire(
            listing: .init(
                path: [], directory: nodes[1], items: [], fileCount: 0, subDirectoryCount: 0, nextMarker: nil),
            libraryType: .file, withInode: false)
        #expect(written(empty) == (try foundation(empty)))
        // The root's items: each path is the name alone.
        let root = ListingWire(
            listing: .init(
                path: [], directory: nodes[1], items: nodes, fileCount: 12, subDirectoryCount: 6, nextMarker: nil),
            libraryType: .file, withInode: false)
        #expect(written(root) == (try foundation(root)))
        #expect(written(root).contains(#""path":["\#(nodes[0].name)"]"#))
    }

    @Test func decimalsAreWrittenAsStringSpellsThem() {
        for value: Int64 in [0, 7, -7, 10, 4096, -1_000_000, 1_709_626_904_120, .max, .min, .min + 1] {
            var out: [UInt8] = []
            JSONText.writeDecimal(value, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(value))
        }
        var writer = JSONObjectWriter()
        var out: [UInt8] = []
        writer.integer("big", UInt64.max, &out)
        writer.integer("small", -3, &out)
        writer.end(&out)
        #expect(String(decoding: out, as: UTF8.self) == #"{"big":18446744073709551615,"small":-3}"#)
    }

    @Test func fileInfoWireMatchesItsEncodable() throws {
        for node in Self.nodes() where node.kind != .directory {
            for (cosUrl, linkTo, isFavorite) in [
                (nil, nil, nil), ("http://h:1/_opensmh/dl/x/a%20b.jpg?e=1", ["d", "t.jpg"], true),
            ] as [(String?, [String]?, Bool?)] {
                let wire = FileController.FileInfoWire(
                    node: node, path: ["d", node.name], type: "image", cosUrl: cosUrl, linkTo: linkTo,
                    isFavorite: isFavorite)
                #expect(written(wire) == (try foundation(wire)), "\(node.name)")
            }
        }
    }
}
