import SMHCore
import Testing

/// The streaming form reader of form uploads (spec 20 F-04.4).
@Suite struct MultipartFormParserTests {
    static let boundary = "----WebKitFormBoundaryAbC123"

    static func body(fields: [(String, String)], file: [UInt8], fileField: String = "file") -> [UInt8] {
        var out: [UInt8] = Array("preamble to ignore\r\n".utf8)
        for (name, value) in fields {
            out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        out += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(fileField)\"; filename=\"a b.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                .utf8)
        out += file
        out += Array("\r\n--\(boundary)--\r\nepilogue".utf8)
        return out
    }

    /// Feeds `body` in pieces cut at `cuts` and collects what came out.
    static func parse(_ body: [UInt8], cuts: [Int]) throws -> (
        fields: [String: String], file: [UInt8], events: Int, done: Bool
    ) {
        var parser = MultipartFormParser(boundary: boundary)
        var fields: [String: String] = [:]
        var file: [UInt8] = []
        var count = 0
        var start = 0
        for cut in (cuts + [body.count]).sorted() where cut >= start {
            for event in try parser.feed(body[start..<cut]) {
                count += 1
                switch event {
                case .field(let name, let value): fields[name] = value
                case .fileStart(let name, let filename):
                    #expect(name == "file" && filename == "a b.bin")
                case .fileBytes(let bytes): file += bytes
                case .fileEnd: break
                }
            }
            start = cut
        }
        return (fields, file, count, parser.isComplete)
    }

    @Test func fieldsAndFileWhateverTheChunking() throws {
        // File bytes that contain CRLFs, dashes and most of the delimiter, but not all of it.
        let file =
            Array("line\r\n--\r\n--\(Self.boundary.dropLast())x\r\n\u{0}".utf8) + (0..<3000).map { UInt8($0 % 251) }
        let body = Self.body(fields: [("key", "k123"), ("policy", "OpenSMH-UP 1.abc"), ("empty", "")], file: file)
        let whole = try Self.parse(body, cuts: [])
        #expect(whole.fields == ["key": "k123", "policy": "OpenSMH-UP 1.abc", "empty": ""])
        #expect(whole.file == file)
        #expect(whole.done)
        // Every single cut position, and byte-by-byte over the headers.
        for cut in 0...body.count {
            let result = try Self.parse(body, cuts: [cut])
            #expect(result.file == file && result.fields["key"] == "k123" && result.done, "cut at \(cut)")
        }
        let tiny = try Self.parse(body, cuts: Array(stride(from: 1, to: 400, by: 1)))
        #expect(tiny.file == file && tiny.done)
    }

    @Test func boundaryFromContentType() {
        #expect(MultipartFormParser.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartFormParser.boundary(contentType: "Multipart/Form-Data;boundary=\"a b\"") == "a b")
        #expect(MultipartFormParser.boundary(contentType: "application/json") == nil)
        #expect(MultipartFormParser.boundary(contentType: "multipart/form-data") == nil)
        #expect(MultipartFormParser.boundary(contentType: "multipart/form-data; boundary=") == nil)
    }

    @Test func malformedBodiesAreRefused() throws {
        var headerless = MultipartFormParser(boundary: Self.boundary)
        #expect(throws: SMHError.self) {
            _ = try headerless.feed(
                Array("--\(Self.boundary)\r\nX-Nothing: 1\r\n\r\nvalue\r\n--\(Self.boundary)--".utf8))
        }
        var noCRLF = MultipartFormParser(boundary: Self.boundary)
        #expect(throws: SMHError.self) { _ = try noCRLF.feed(Array("--\(Self.boundary)XY".utf8)) }
        var huge = MultipartFormParser(boundary: Self.boundary, maxFieldBytes: 10)
        #expect(throws: SMHError.self) {
            _ = try huge.feed(
                Array(
                    "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\(String(repeating: "x", count: 100))"
                        .utf8))
        }
        // A body that stops inside the file is not complete.
        let body = Self.body(fields: [("key", "k")], file: Array(repeating: 1, count: 100))
        let cut = try Self.parse(Array(body.prefix(body.count - 40)), cuts: [])
        #expect(!cut.done)
    }
}
