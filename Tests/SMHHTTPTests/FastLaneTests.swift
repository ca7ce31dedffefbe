import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Synchronization
import Testing

@testable import SMHHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// The fast lane over a real socket: answers in request order however requests are pipelined and whichever path
/// answers them, `Connection: close` honoured, long and streamed answers intact, bodies left to Hummingbird.
@Suite struct FastLaneTests {
    /// A small application on loopback with the fast lane; its routes stand for the kinds of answer the API makes.
    static func withServer(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router(context: SMHRequestContext.self)
        router.get("/health") { _, _ in "ok" }
        router.get("/api/v1/slow") { request, _ in
            let ms = Int(request.uri.queryParameters.get("ms") ?? "0") ?? 0
            try await Task.sleep(for: .milliseconds(ms))
            return "slow \(ms)"
        }
        router.get("/api/v1/big") { _, _ in
            Response(
                status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "b"), count: 300_000)))
        }
        router.get("/api/v1/stream") { _, _ in
            // No length: chunked, part by part through the codec.
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for part in ["one,", "two,", "three"] {
                        try await writer.write(ByteBuffer(string: part))
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("/api/v1/endless") { _, _ in
            // Streams until the client goes away; counts the writes that failed because it did.
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    do {
                        for _ in 0..<4096 { try await writer.write(ByteBuffer(repeating: 0x65, count: 64 * 1024)) }
                    } catch {
                        Self.abandonedStreams.add(1, ordering: .relaxed)
                        throw error
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("/api/v1/unchanged") { _, _ in Response(status: .notModified, headers: [.eTag: "\"e\""]) }
        router.get("/api/v1/fails") { _, _ -> String in throw Unexpected() }
        router.post("/api/v1/echo") { request, _ in
            let ms = Int(request.uri.queryParameters.get("ms") ?? "0") ?? 0
            let body = try await request.body.collect(upTo: 1 << 20)
            try await Task.sleep(for: .milliseconds(ms))
            return Response(status: .ok, body: ResponseBody(byteBuffer: body))
        }
        let responder = router.buildResponder()
        var logger = Logger(label: "fast-lane-test")
        logger.logLevel = .warning
        let lane = FastLane(logger: logger)
        lane.install(responder)
        let application = Application(
            responder: responder, server: plainHTTP1(fastLane: lane),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "OpenSMH"), logger: logger)
        try await application.test(.live) { client in
            try await body(try #require(client.port))
        }
    }

    struct Unexpected: Error {}

    /// Streams of `/api/v1/endless` whose writes failed (only `aClientLeavingMidAnswerStopsItsStream` asks for it).
    static let abandonedStreams = Atomic<Int>(0)

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await Self.withServer { port in
            // A slow fast answer, one with a body (Hummingbird's loop), a long one, a streamed one, a 304 and a
            // quick one, all in one write: each must come back in its place.
            let raw =
                "GET /api/v1/slow?ms=80 HTTP/1.1\r\nHost: t\r\nX-Request-Id: r1\r\n\r\n"
                + "POST /api/v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /api/v1/big HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /api/v1/stream HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /api/v1/unchanged HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /api/v1/slow?ms=1 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
            let answers = try await RawHTTP.exchange(port: port, raw)
            #expect(answers.map(\.status) == [200, 200, 200, 200, 304, 200, 200])
            #expect(
                answers.map { String(decoding: $0.body.prefix(12), as: UTF8.self) } == [
                    "slow 80", "hello", "bbbbbbbbbbbb", "one,two,thre", "", "slow 1", "ok",
                ])
            #expect(answers[2].body.count == 300_000)
            #expect(answers[3].body == Array("one,two,three".utf8))
            #expect(answers[3].headers["transfer-encoding"] == "chunked")
            #expect(answers[4].headers["content-length"] == nil)
            for answer in answers {
                #expect(answer.headers["server"] == "OpenSMH")
                #expect(answer.headers["date"]?.hasSuffix(" GMT") == true)
            }
        }
    }

    @Test func aFastRequestNeverOvertakesOneHummingbirdIsAnswering() async throws {
        try await Self.withServer { port in
            let raw =
                "POST /api/v1/echo?ms=80 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nfirst"
                + "GET /health HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /api/v1/echo?ms=40 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nthird"
                + "GET /api/v1/slow?ms=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
            let answers = try await RawHTTP.exchange(port: port, raw)
            #expect(answers.map { String(decoding: $0.body, as: UTF8.self) } == ["first", "ok", "third", "slow 1"])
        }
    }

    /// NIO's encoder pairs each answer with the method of a request it decoded (to leave the body out of answers to
    /// `HEAD`); fast answers must keep that pairing, or the answer after them loses its body.
    @Test func answersAfterAHeadKeepTheirBodies() async throws {
        try await Self.withServer { port in
            let raw =
                "HEAD /health HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /api/v1/slow?ms=0 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /health HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /api/v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
                + "POST /api/v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nConnection: close\r\n\r\nagain"
            let answers = try await RawHTTP.exchange(port: port, raw, bodiless: [0])
            #expect(answers.map { String(decoding: $0.body, as: UTF8.self) } == ["", "slow 0", "ok", "hello", "again"])
        }
    }

    @Test func connectionCloseEndsTheConnectionAfterTheAnswer() async throws {
        try await Self.withServer { port in
            // `exchange` reads until the server closes: without the close it would time out.
            let answers = try await RawHTTP.exchange(
                port: port, "GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(answers.count == 1)
            #expect(answers.first?.body == Array("ok".utf8))
        }
    }

    @Test func manyRequestsOnOneConnectionOneByOne() async throws {
        try await Self.withServer { port in
            var raw = ""
            for n in 0..<200 { raw += "GET /api/v1/slow?ms=0&n=\(n) HTTP/1.1\r\nHost: t\r\n\r\n" }
            raw += "GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
            let answers = try await RawHTTP.exchange(port: port, raw)
            #expect(answers.count == 201)
            #expect(answers.allSatisfy { $0.status == 200 })
        }
    }

    @Test func anErrorThatReachesTheLaneIsA500() async throws {
        try await Self.withServer { port in
            let answers = try await RawHTTP.exchange(
                port: port,
                "GET /api/v1/fails HTTP/1.1\r\nHost: t\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
            )
            #expect(answers.map(\.status) == [500, 200])
        }
    }

    /// A client that resets the connection in the middle of a long fast answer: the answer's next write fails (the
    /// responder stops instead of streaming 256 MiB into a closed channel) and the server goes on serving others.
    @Test func aClientLeavingMidAnswerStopsItsStream() async throws {
        try await Self.withServer { port in
            let before = Self.abandonedStreams.load(ordering: .relaxed)
            let received = try await RawHTTP.leaveEarly(
                port: port, "GET /api/v1/endless HTTP/1.1\r\nHost: t\r\n\r\n", after: 100_000)
            #expect(received >= 100_000)
            var waited = 0
            while Self.abandonedStreams.load(ordering: .relaxed) == before, waited < 5_000 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 10
            }
            #expect(Self.abandonedStreams.load(ordering: .relaxed) == before + 1)
            let answers = try await RawHTTP.exchange(
                port: port, "GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(answers.map(\.status) == [200])
        }
    }

    /// An error (or event) between a taken head and its end: the lane lets go of the request, and Hummingbird gets
    /// the head, the error and then the end, as it would have without the lane.
    @Test(arguments: [false, true])
    func anErrorOrEventBeforeTheEndHandsTheRequestOn(event: Bool) throws {
        struct Broken: Error {}
        let lane = FastLane(logger: Logger(label: "fast-lane-test"))
        lane.install(Router(context: SMHRequestContext.self).buildResponder())
        let channel = EmbeddedChannel(handler: FastLaneHandler(lane: lane))
        let head = HTTPRequest(method: .get, scheme: nil, authority: "t", path: "/api/v1/x")
        try channel.writeInbound(HTTPRequestPart.head(head))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil, "taken: waits for its end")
        if event {
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        } else {
            channel.pipeline.fireErrorCaught(Broken())
        }
        guard case .head(let passed) = try channel.readInbound(as: HTTPRequestPart.self) else {
            Issue.record("the head did not reach Hummingbird")
            return
        }
        #expect(passed.path == "/api/v1/x")
        if !event { #expect(throws: Broken.self) { try channel.throwIfErrorCaught() } }
        try channel.writeInbound(HTTPRequestPart.end(nil))
        guard case .end = try channel.readInbound(as: HTTPRequestPart.self) else {
            Issue.record("the end did not reach Hummingbird")
            return
        }
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    /// The `Date` header the lane sets in place of Hummingbird's (whose cache is internal): RFC 9110 IMF-fixdate.
    @Test func dateHeaderFormat() {
        #expect(HTTPDateCache.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDateCache.format(1_796_490_781) == "Sat, 05 Dec 2026 17:13:01 GMT")
        #expect(HTTPDateCache.format(951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        let cache = HTTPDateCache()
        let before = time(nil)
        let current = cache.current
        #expect([HTTPDateCache.format(before), HTTPDateCache.format(before + 1)].contains(current))
    }

    @Test func whatTheLaneTakes() {
        func head(_ method: HTTPRequest.Method, _ path: String, _ fields: HTTPFields = [:]) -> HTTPRequest {
            HTTPRequest(method: method, scheme: nil, authority: "t", path: path, headerFields: fields)
        }
        #expect(FastLaneHandler.takes(head(.get, "/api/v1/file/l/-/a.txt?info")))
        #expect(FastLaneHandler.takes(head(.get, "/health")))
        #expect(FastLaneHandler.takes(head(.get, "/api/v1/x", [.contentLength: "0"])))
        #expect(!FastLaneHandler.takes(head(.head, "/health")))
        #expect(!FastLaneHandler.takes(head(.post, "/api/v1/x")))
        #expect(!FastLaneHandler.takes(head(.get, "/_opensmh/dl/x")))
        #expect(!FastLaneHandler.takes(head(.get, "/api/v1/x", [.contentLength: "3"])))
        #expect(!FastLaneHandler.takes(head(.get, "/api/v1/x", [.transferEncoding: "chunked"])))
        #expect(!FastLaneHandler.takes(head(.get, "/api/v1/x", [.expect: "100-continue"])))
    }
}

/// A blocking HTTP/1.1 client over a plain socket: writes the bytes at once (pipelining them), reads until the
/// server closes, and splits what came back into answers.
enum RawHTTP {
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// On a thread of its own: the blocking reads must not take the test's cooperative threads, which the server's
    /// own tasks need.
    /// `bodiless`: the answers (by position) to `HEAD` requests, which carry a length but no body.
    static func exchange(port: Int, _ request: String, bodiless: Set<Int> = []) async throws -> [Answer] {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result { try parse(blockingExchange(port: port, request), bodiless: bodiless) })
            }.start()
        }
    }

    /// Sends `request`, reads at least `after` bytes, then resets the connection (`SO_LINGER` 0): a client that
    /// goes away. Returns the number of bytes read.
    static func leaveEarly(port: Int, _ request: String, after: Int) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result {
                        let fd = try connected(port: port, request: request)
                        defer { close(fd) }
                        var received = 0
                        var chunk = [UInt8](repeating: 0, count: 16384)
                        while received < after {
                            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                            guard n > 0 else { throw Failure(description: "recv: \(errno) after \(received) bytes") }
                            received += n
                        }
                        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                        return received
                    })
            }.start()
        }
    }

    static func blockingExchange(port: Int, _ request: String) throws -> [UInt8] {
        let fd = try connected(port: port, request: request)
        defer { close(fd) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw Failure(description: "recv: \(errno) after \(received.count) bytes") }
            received += chunk[..<n]
        }
        return received
    }

    /// A socket connected to the server on loopback, `request` sent; reads time out after 10 s.
    static func connected(port: Int, request: String) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        let bytes = Array(request.utf8)
        var sent = 0
        while connected == 0, sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            sent += n
        }
        guard connected == 0, sent == bytes.count else {
            let failure = Failure(description: connected == 0 ? "send: \(errno)" : "connect: \(errno)")
            close(fd)
            throw failure
        }
        return fd
    }

    static func parse(_ bytes: [UInt8], bodiless: Set<Int>) throws -> [Answer] {
        var answers: [Answer] = []
        var at = 0
        func line() throws -> String {
            var end = at
            while end + 1 < bytes.count, !(bytes[end] == 13 && bytes[end + 1] == 10) { end += 1 }
            guard end + 1 < bytes.count else { throw Failure(description: "truncated at \(at)") }
            defer { at = end + 2 }
            return String(decoding: bytes[at..<end], as: UTF8.self)
        }
        while at < bytes.count {
            let statusLine = try line()
            guard statusLine.hasPrefix("HTTP/1.1 "), let status = Int(statusLine.dropFirst(9).prefix(3)) else {
                throw Failure(description: "status line \(statusLine)")
            }
            var headers: [String: String] = [:]
            while case let field = try line(), !field.isEmpty {
                let parts = field.split(separator: ":", maxSplits: 1)
                headers[parts[0].lowercased()] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            }
            var body: [UInt8] = []
            if bodiless.contains(answers.count) {
                // No body, whatever the length says.
            } else if let length = headers["content-length"].flatMap(Int.init) {
                guard at + length <= bytes.count else { throw Failure(description: "short body") }
                body = Array(bytes[at..<at + length])
                at += length
            } else if headers["transfer-encoding"] == "chunked" {
                while true {
                    guard let size = Int(try line(), radix: 16) else { throw Failure(description: "chunk size") }
                    if size == 0 {
                        _ = try line()
                        break
                    }
                    body += bytes[at..<at + size]
                    at += size + 2
                }
            }
            answers.append(Answer(status: status, headers: headers, body: body))
        }
        return answers
    }
}
