import Foundation
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
