/// A streaming `multipart/form-data` reader (RFC 7578) for form uploads (spec 20 F-03, F-04.4): bytes go in as they
/// arrive, events come out, and a file part's content is handed on chunk by chunk — only a boundary's length of it is
/// ever held back. Small fields are collected whole, up to `maxFieldBytes`.
public struct MultipartFormParser: Sendable {
    public enum Event: Sendable, Equatable {
        case field(name: String, value: String)
        case fileStart(name: String, filename: String?)
        case fileBytes([UInt8])
        case fileEnd
    }

    enum State: Sendable {
        case preamble
        case afterDelimiter
        case headers
        case field(name: String)
        case file
        case done
    }

    let delimiter: [UInt8]
    let maxFieldBytes: Int
    let maxHeaderBytes = 16 * 1024
    var state = State.preamble
    var pending: [UInt8] = []
    var fieldBytes: [UInt8] = []

    /// The boundary of a `Content-Type: multipart/form-data; boundary=…` header, or nil.
    public static func boundary(contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingSpaces }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            var value = String(part.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    public init(boundary: String, maxFieldBytes: Int = 64 * 1024) {
        delimiter = Array(("\r\n--" + boundary).utf8)
        self.maxFieldBytes = maxFieldBytes
        // The first delimiter may open the body without the CRLF before it.
        pending = Array("\r\n".utf8)
    }

    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    public mutating func feed(_ bytes: some Collection<UInt8>) throws(SMHError) -> [Event] {
        if case .done = state { return [] }
        pending.append(contentsOf: bytes)
        var events: [Event] = []
        while try step(&events) {}
        return events
    }

    /// One transition; false when more bytes are needed.
    mutating func step(_ events: inout [Event]) throws(SMHError) -> Bool {
        switch state {
        case .preamble:
            guard let at = find(delimiter, in: pending) else {
                // Keep what could still begin the delimiter.
                if pending.count > delimiter.count { pending.removeFirst(pending.count - delimiter.count) }
                return false
            }
            pending.removeFirst(at + delimiter.count)
            state = .afterDelimiter
            return true
        case .afterDelimiter:
            guard pending.count >= 2 else { return false }
            if pending[0] == UInt8(ascii: "-") && pending[1] == UInt8(ascii: "-") {
                state = .done
                pending.removeAll()
                return false
            }
            guard pending[0] == 13 && pending[1] == 10 else {
                throw Self.malformed("a boundary is not followed by CRLF")
            }
            pending.removeFirst(2)
            state = .headers
            return true
        case .headers:
            guard let end = find(Array("\r\n\r\n".utf8), in: pending) else {
                guard pending.count <= maxHeaderBytes else { throw Self.malformed("part headers are too long") }
                return false
            }
            let text = String(decoding: pending[..<end], as: UTF8.self)
            pending.removeFirst(end + 4)
            guard let (name, filename) = Self.disposition(text) else {
                throw Self.malformed("a part has no Content-Disposition name")
            }
            if let filename {
                events.append(.fileStart(name: name, filename: filename))
                state = .file
            } else {
                fieldBytes.removeAll(keepingCapacity: true)
                state = .field(name: name)
            }
            return true
        case .field(let name):
            if let at = find(delimiter, in: pending) {
                fieldBytes.append(contentsOf: pending[..<at])
                guard fieldBytes.count <= maxFieldBytes else { throw Self.malformed("field \(name) is too long") }
                events.append(.field(name: name, value: String(decoding: fieldBytes, as: UTF8.self)))
                pending.removeFirst(at + delimiter.count)
                state = .afterDelimiter
                return true
            }
            let safe = pending.count - (delimiter.count - 1)
            if safe > 0 {
                fieldBytes.append(contentsOf: pending[..<safe])
                pending.removeFirst(safe)
            }
            guard fieldBytes.count <= maxFieldBytes else { throw Self.malformed("field \(name) is too long") }
            return false
        case .file:
            if let at = find(delimiter, in: pending) {
                if at > 0 { events.append(.fileBytes(Array(pending[..<at]))) }
                events.append(.fileEnd)
                pending.removeFirst(at + delimiter.count)
                state = .afterDelimiter
                return true
            }
            let safe = pending.count - (delimiter.count - 1)
            if safe > 0 {
                events.append(.fileBytes(Array(pending[..<safe])))
                pending.removeFirst(safe)
            }
            return false
        case .done:
            return false
        }
    }

    static func malformed(_ why: String) -> SMHError {
        SMHError(.paramInvalid, "The form body is not valid multipart/form-data: \(why).")
    }

    /// `name` and `filename` of a part's `Content-Disposition: form-data; name="…"; filename="…"`.
    static func disposition(_ headers: String) -> (name: String, filename: String?)? {
        for line in headers.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":"),
                line[..<colon].trimmingSpaces.lowercased() == "content-disposition"
            else { continue }
            var name: String?
            var filename: String?
            for parameter in line[line.index(after: colon)...].split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                var value = pair[1].trimmingSpaces
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                    value = String(value.dropFirst().dropLast())
                }
                switch pair[0].trimmingSpaces.lowercased() {
                case "name": name = value
                case "filename": filename = value
                default: break
                }
            }
            return name.map { ($0, filename) }
        }
        return nil
    }

    /// First index of `needle` in `haystack`.
    func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        var view = self
        while view.first == " " || view.first == "\t" { view.removeFirst() }
        while view.last == " " || view.last == "\t" { view.removeLast() }
        return String(view)
    }
}
