import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import SMHCore

/// The S3 operations OpenSMH needs, signed with SigV4 over AsyncHTTPClient: objects (PUT, GET with ranges, HEAD,
/// DELETE, copy), multipart uploads (create, upload part, upload part copy, complete, abort, list parts), listing by
/// prefix, and the bucket. Requests whose body can be sent again are retried with back-off on 5xx answers and
/// connection failures; streamed bodies are not (their caller starts over).
public struct S3Client: Sendable {
    public let location: S3Location
    let signer: SigV4
    let http: HTTPClient
    let logger: Logger
    /// Seconds since 1970, for the signature's date (injected so tests can pin it).
    let now: @Sendable () -> Int64
    /// Attempts of a replayable request, and the first back-off (doubled each time).
    let attempts: Int
    let backoff: TimeAmount

    /// One client for the process: its connection pool is shared by every store and lives as long as the process.
    /// A refused connection is tried again by the pool until the connect timeout, so that bounds each attempt; an
    /// answer that stalls for the read timeout is a failure (a streamed body has no total deadline).
    static let sharedHTTP = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            timeout: .init(connect: .seconds(3), read: .seconds(120)),
            connectionPool: .init(idleTimeout: .seconds(50), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))

    public init(
        location: S3Location, credentials: S3Credentials, logger: Logger = Logger(label: "opensmh.s3"),
        attempts: Int = 4, backoff: TimeAmount = .milliseconds(100),
        now: @escaping @Sendable () -> Int64 = { SystemClock().now().milliseconds / 1000 }
    ) {
        self.location = location
        self.signer = SigV4(credentials: credentials, region: location.region)
        self.http = Self.sharedHTTP
        self.logger = logger
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.now = now
    }

    /// A request body: nothing, bytes in memory (replayable), or a stream of known length (sent once).
    public enum Body: Sendable {
        case empty
        case bytes(ByteBuffer)
        case stream(HTTPClientRequest.Body)
    }

    /// The path of an object (path-style: `/bucket/key`; virtual-hosted: `/key`).
    func path(key: String?) -> String {
        let bucketPart = location.pathStyle ? "/\(location.bucket)" : ""
        guard let key else { return bucketPart.isEmpty ? "/" : bucketPart }
        return "\(bucketPart)/\(key)"
    }

    /// Sends one signed request and returns its answer; statuses outside `expected` become an `S3Error` (its body
    /// read for the S3 error code).
    func send(
        _ method: HTTPMethod, key: String?, query: [(String, String)] = [], headers: [(String, String)] = [],
        body: Body = .empty, expected: Set<UInt> = [200], operation: String
    ) async throws -> HTTPClientResponse {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let started = ContinuousClock.now
                let response = try await sendOnce(method, key: key, query: query, headers: headers, body: body)
                if logger.logLevel <= .debug {
                    logger.debug(
                        "S3 \(operation)",
                        metadata: [
                            "status": .stringConvertible(response.status.code),
                            "ms": .stringConvertible((ContinuousClock.now - started).milliseconds),
                        ])
                }
                if expected.contains(response.status.code) { return response }
                let error = await S3Error.from(response, operation: operation, key: key)
                if error.isRetryable, body.isReplayable, attempt < attempts {
                    logger.warning(
                        "S3 answered \(error.status) to \(operation); retrying",
                        metadata: ["attempt": .stringConvertible(attempt)])
                    try await Task.sleep(nanoseconds: UInt64(backoff.nanoseconds) << (attempt - 1))
                    continue
                }
                throw error
            } catch let error as S3Error {
                throw error
            } catch {
                // Connection refused or reset, timeouts: the request may not have reached S3, or its answer was lost.
                guard body.isReplayable, attempt < attempts, !(error is CancellationError) else {
                    throw S3Error(
                        status: 0, code: "ConnectionFailed", message: String(describing: error), operation: operation,
                        key: key)
                }
                logger.warning(
                    "S3 \(operation) failed: \(error); retrying", metadata: ["attempt": .stringConvertible(attempt)])
                try await Task.sleep(nanoseconds: UInt64(backoff.nanoseconds) << (attempt - 1))
            }
        }
    }

    private func sendOnce(
        _ method: HTTPMethod, key: String?, query: [(String, String)], headers: [(String, String)], body: Body
    ) async throws -> HTTPClientResponse {
        let path = self.path(key: key)
        var signedHeaders = headers + [("host", location.hostHeader)]
        let payloadHash: String
        var request = HTTPClientRequest(url: "")
        switch body {
        case .empty:
            payloadHash = SigV4.emptyPayloadHash
            if method == .PUT || method == .POST { signedHeaders.append(("content-length", "0")) }
        case .bytes(let buffer):
            payloadHash = buffer.withUnsafeReadableBytes { SHA256Hex.of($0) }
            request.body = .bytes(buffer)
        case .stream(let body):
            payloadHash = SigV4.unsignedPayload
            request.body = body
        }
        let signature = signer.sign(
            method: method.rawValue, path: path, query: query, headers: signedHeaders, payloadHash: payloadHash,
            epochSeconds: now())
        let queryString = SigV4.canonicalQuery(query)
        request.url = location.baseURL + SigV4.encodePath(path) + (queryString.isEmpty ? "" : "?" + queryString)
        request.method = method
        for (name, value) in signedHeaders + signature where name != "host" {
            request.headers.add(name: name, value: value)
        }
        return try await http.execute(request, deadline: .distantFuture, logger: nil)
    }

    // MARK: Objects

    /// PUT of bytes in memory (small objects, S3 parts of buffered uploads).
    public func putObject(key: String, bytes: ByteBuffer) async throws {
        _ = try await drain(send(.PUT, key: key, body: .bytes(bytes), operation: "PutObject"))
    }

    /// GET of an object or a range of it; the answer's body streams. Nil when the object does not exist.
    public func getObject(key: String, range: ByteRange? = nil) async throws -> HTTPClientResponse? {
        var headers: [(String, String)] = []
        if let range { headers.append(("range", "bytes=\(range.start)-\(range.end)")) }
        do {
            return try await send(.GET, key: key, headers: headers, expected: [200, 206], operation: "GetObject")
        } catch let error as S3Error where error.status == 404 {
            return nil
        }
    }

    /// The size of an object, nil when it does not exist.
    public func headObject(key: String) async throws -> Int64? {
        do {
            let response = try await send(.HEAD, key: key, operation: "HeadObject")
            return response.headers.first(name: "content-length").flatMap { Int64($0) }
        } catch let error as S3Error where error.status == 404 {
            return nil
        }
    }

    /// Deletes an object; deleting one that does not exist succeeds (as S3 answers).
    public func deleteObject(key: String) async throws {
        _ = try await drain(send(.DELETE, key: key, expected: [200, 204, 404], operation: "DeleteObject"))
    }

    /// A server-side copy of up to 5 GiB (S3's limit for one copy; larger objects go through `copyLarge`).
    public func copyObject(from source: String, to destination: String) async throws {
        let response = try await send(
            .PUT, key: destination, headers: [("x-amz-copy-source", copySource(source))], operation: "CopyObject")
        // A copy can fail after its 200: the error is then in the body.
        let text = try await bodyText(response)
        if text.contains("<Error>") {
            throw S3Error(
                status: 200, code: S3XML.first("Code", in: text) ?? "CopyFailed",
                message: S3XML.first("Message", in: text) ?? "", operation: "CopyObject", key: destination)
        }
    }

    func copySource(_ key: String) -> String { SigV4.encodePath("/\(location.bucket)/\(key)") }

    // MARK: Multipart uploads

    public func createMultipartUpload(key: String) async throws -> String {
        let response = try await send(.POST, key: key, query: [("uploads", "")], operation: "CreateMultipartUpload")
        let text = try await bodyText(response)
        guard let id = S3XML.first("UploadId", in: text) else {
            throw S3Error(
                status: 200, code: "MalformedAnswer", message: text, operation: "CreateMultipartUpload", key: key)
        }
        return id
    }

    /// Uploads one S3 part and returns its ETag (quoted, as S3 gives it).
    public func uploadPart(key: String, uploadId: String, number: Int, body: Body) async throws -> String {
        let response = try await send(
            .PUT, key: key, query: [("partNumber", String(number)), ("uploadId", uploadId)], body: body,
            operation: "UploadPart")
        _ = try await drain(response)
        guard let etag = response.headers.first(name: "etag") else {
            throw S3Error(status: 200, code: "MalformedAnswer", message: "no ETag", operation: "UploadPart", key: key)
        }
        return etag
    }

    /// Makes S3 part `number` a server-side copy of `source` (or of its `range`): no byte passes through us.
    public func uploadPartCopy(
        key: String, uploadId: String, number: Int, source: String, range: ByteRange? = nil
    ) async throws -> String {
        var headers = [("x-amz-copy-source", copySource(source))]
        if let range { headers.append(("x-amz-copy-source-range", "bytes=\(range.start)-\(range.end)")) }
        let response = try await send(
            .PUT, key: key, query: [("partNumber", String(number)), ("uploadId", uploadId)], headers: headers,
            operation: "UploadPartCopy")
        let text = try await bodyText(response)
        guard let etag = S3XML.first("ETag", in: text) else {
            throw S3Error(
                status: 200, code: S3XML.first("Code", in: text) ?? "MalformedAnswer", message: text,
                operation: "UploadPartCopy", key: key)
        }
        return etag
    }

    public func completeMultipartUpload(key: String, uploadId: String, etags: [String]) async throws {
        var xml = "<CompleteMultipartUpload>"
        for (index, etag) in etags.enumerated() {
            xml += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(S3XML.escape(etag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let response = try await send(
            .POST, key: key, query: [("uploadId", uploadId)], body: .bytes(ByteBuffer(string: xml)),
            operation: "CompleteMultipartUpload")
        let text = try await bodyText(response)
        if text.contains("<Error>") {
            throw S3Error(
                status: 200, code: S3XML.first("Code", in: text) ?? "CompleteFailed",
                message: S3XML.first("Message", in: text) ?? "", operation: "CompleteMultipartUpload", key: key)
        }
    }

    public func abortMultipartUpload(key: String, uploadId: String) async throws {
        _ = try await drain(
            send(
                .DELETE, key: key, query: [("uploadId", uploadId)], expected: [200, 204, 404],
                operation: "AbortMultipartUpload"))
    }

    /// The parts S3 holds for a multipart upload: (number, size, ETag), in order.
    public func listParts(key: String, uploadId: String) async throws -> [(number: Int, size: Int64, etag: String)] {
        var parts: [(number: Int, size: Int64, etag: String)] = []
        var marker: String?
        repeat {
            var query = [("uploadId", uploadId)]
            if let marker { query.append(("part-number-marker", marker)) }
            let text = try await bodyText(send(.GET, key: key, query: query, operation: "ListParts"))
            for block in S3XML.all("Part", in: text) {
                guard let number = S3XML.first("PartNumber", in: block).flatMap({ Int($0) }),
                    let size = S3XML.first("Size", in: block).flatMap({ Int64($0) }),
                    let etag = S3XML.first("ETag", in: block)
                else { continue }
                parts.append((number, size, etag))
            }
            marker =
                S3XML.first("IsTruncated", in: text) == "true" ? S3XML.first("NextPartNumberMarker", in: text) : nil
        } while marker != nil
        return parts
    }

    /// Deletes every object under `prefix` (best effort: what fails stays for `smh fsck`).
    public func deleteAll(prefix: String) async {
        while let page = try? await listObjects(prefix: prefix), !page.objects.isEmpty {
            var deleted = 0
            for object in page.objects where (try? await deleteObject(key: object.key)) != nil { deleted += 1 }
            if page.next == nil || deleted == 0 { break }
        }
    }

    // MARK: Listing and the bucket

    /// Objects under `prefix`, a page at a time (ListObjectsV2): keys with their last-modified time in seconds.
    public func listObjects(
        prefix: String, continuation: String? = nil, maxKeys: Int = 1000
    ) async throws -> (objects: [(key: String, modifiedSeconds: Int64, size: Int64)], next: String?) {
        var query = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(maxKeys))]
        if let continuation { query.append(("continuation-token", continuation)) }
        let text = try await bodyText(send(.GET, key: nil, query: query, operation: "ListObjectsV2"))
        var objects: [(key: String, modifiedSeconds: Int64, size: Int64)] = []
        for block in S3XML.all("Contents", in: text) {
            guard let key = S3XML.first("Key", in: block) else { continue }
            let modified = S3XML.first("LastModified", in: block).flatMap { Timestamp.parse($0) }
            objects.append(
                (
                    key, (modified?.milliseconds ?? 0) / 1000,
                    S3XML.first("Size", in: block).flatMap { Int64($0) } ?? 0
                ))
        }
        let truncated = S3XML.first("IsTruncated", in: text) == "true"
        return (objects, truncated ? S3XML.first("NextContinuationToken", in: text) : nil)
    }

    /// Checks that the bucket answers with these credentials, creating it when it is missing (and allowed to).
    public func ensureBucket() async throws {
        do {
            _ = try await drain(send(.HEAD, key: nil, operation: "HeadBucket"))
            return
        } catch let error as S3Error where error.status == 404 {
            var body = Body.empty
            if location.region != "us-east-1" {
                body = .bytes(
                    ByteBuffer(
                        string: "<CreateBucketConfiguration><LocationConstraint>\(location.region)"
                            + "</LocationConstraint></CreateBucketConfiguration>"))
            }
            _ = try await drain(send(.PUT, key: nil, body: body, expected: [200, 409], operation: "CreateBucket"))
        }
    }

    /// A presigned GET URL of an object, for clients that can reach the bucket themselves.
    public func presignedGetURL(key: String, expires: Int, query: [(String, String)] = []) -> String {
        let path = self.path(key: key)
        let signed = signer.presignedQuery(
            method: "GET", host: location.hostHeader, path: path, query: query, expires: expires, epochSeconds: now())
        return location.baseURL + SigV4.encodePath(path) + "?" + signed
    }

    // MARK: Bodies

    /// Reads a small answer body (XML) whole: at most 8 MiB.
    func bodyText(_ response: HTTPClientResponse) async throws -> String {
        let buffer = try await response.body.collect(upTo: 8 << 20)
        return String(buffer: buffer)
    }

    /// Consumes an answer body we do not need, so that the connection goes back to the pool.
    func drain(_ response: HTTPClientResponse) async throws -> HTTPClientResponse {
        for try await _ in response.body {}
        return response
    }
}

extension S3Client.Body {
    var isReplayable: Bool {
        if case .stream = self { return false }
        return true
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
