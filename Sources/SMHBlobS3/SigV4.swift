import Crypto
import SMHCore

/// AWS Signature Version 4 for S3 (header-based and presigned URLs), as the S3 API reference specifies it: a
/// canonical request, a string to sign over its SHA-256, and an HMAC chain from the secret key to the day, region and
/// service. Pure: the caller passes the time, so the known-answer tests of the reference reproduce exactly.
public struct SigV4: Sendable {
    public let credentials: S3Credentials
    public let region: String
    public let service: String

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The SHA-256 of an empty payload, and the marker of a payload that is not signed (streamed bodies).
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// `20130524T000000Z` and `20130524` of a time in seconds since 1970 (UTC).
    public static func stamps(epochSeconds: Int64) -> (dateTime: String, date: String) {
        let time = Timestamp(milliseconds: epochSeconds * 1000)
        let iso = time.iso8601  // 2013-05-24T00:00:00.000Z
        let digits = iso.utf8.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.prefix(14)
        let all = String(decoding: digits, as: UTF8.self)
        let date = String(all.prefix(8))
        return (date + "T" + all.dropFirst(8) + "Z", date)
    }

    /// Headers to add to a request (`x-amz-date`, `x-amz-content-sha256`, the session token when there is one, and
    /// `Authorization`). `headers` are the other headers to sign, `host` among them; names in any case.
    public func sign(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], payloadHash: String,
        epochSeconds: Int64
    ) -> [(String, String)] {
        let (dateTime, date) = Self.stamps(epochSeconds: epochSeconds)
        var added = [("x-amz-content-sha256", payloadHash), ("x-amz-date", dateTime)]
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        let signed = canonicalHeaders(headers + added)
        let canonical = [
            method, Self.encodePath(path), Self.canonicalQuery(query), signed.block, signed.names, payloadHash,
        ].joined(separator: "\n")
        let scope = "\(date)/\(region)/\(service)/aws4_request"
        let signature = self.signature(canonical: canonical, dateTime: dateTime, date: date, scope: scope)
        added.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope),SignedHeaders=\(signed.names),"
                    + "Signature=\(signature)"
            ))
        return added
    }

    /// The query string of a presigned URL for `method` on `path` at `host`, valid `expires` seconds (1…604800).
    public func presignedQuery(
        method: String, host: String, path: String, query: [(String, String)] = [], expires: Int, epochSeconds: Int64
    ) -> String {
        let (dateTime, date) = Self.stamps(epochSeconds: epochSeconds)
        let scope = "\(date)/\(region)/\(service)/aws4_request"
        var parameters =
            query + [
                ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope)"),
                ("X-Amz-Date", dateTime), ("X-Amz-Expires", String(expires)), ("X-Amz-SignedHeaders", "host"),
            ]
        if let token = credentials.sessionToken { parameters.append(("X-Amz-Security-Token", token)) }
        let canonical = [
            method, Self.encodePath(path), Self.canonicalQuery(parameters), "host:\(host)\n", "host",
            Self.unsignedPayload,
        ].joined(separator: "\n")
        let signature = self.signature(canonical: canonical, dateTime: dateTime, date: date, scope: scope)
        return Self.canonicalQuery(parameters) + "&X-Amz-Signature=" + signature
    }

    func signature(canonical: String, dateTime: String, date: String, scope: String) -> String {
        let stringToSign = [
            "AWS4-HMAC-SHA256", dateTime, scope, SHA256.hash(data: Array(canonical.utf8)).hexString,
        ].joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for step in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(step.utf8), using: key)))
        }
        return HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key).hexString
    }

    func canonicalHeaders(_ headers: [(String, String)]) -> (block: String, names: String) {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            let trimmed = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            merged[name.lowercased(), default: []].append(trimmed)
        }
        let names = merged.keys.sorted()
        let block = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    static func canonicalQuery(_ query: [(String, String)]) -> String {
        query.map { (encode($0.0, slash: true), encode($0.1, slash: true)) }
            .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// S3 encodes each path segment once (not twice, as other services do); `/` stays.
    public static func encodePath(_ path: String) -> String { encode(path, slash: false) }

    /// RFC 3986 percent-encoding of everything but the unreserved characters (and `/` unless `slash`).
    public static func encode(_ text: String, slash: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where !slash:
                out.append("/")
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0xF)]))
            }
        }
        return out
    }
}

/// An access key pair, from the standard `AWS_*` environment variables unless given.
public struct S3Credentials: Sendable, CustomStringConvertible {
    public let accessKeyId: String
    public let secretAccessKey: String
    public let sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// Never prints the secret or the token.
    public var description: String { "S3Credentials(\(accessKeyId), secret redacted)" }
}
