import AsyncHTTPClient
import Crypto
import Foundation
import SMHCore

/// A request S3 refused or that did not reach it. The HTTP layer answers it as SMH's `InternalError` (a 5xx with the
/// error body); logs show the operation, the S3 code and the key, never a credential.
public struct S3Error: Error, CustomStringConvertible, Sendable {
    /// HTTP status of S3's answer; 0 when there was none (connection refused, reset, timed out).
    public let status: UInt
    /// S3's error code (`NoSuchKey`, `AccessDenied`, `SignatureDoesNotMatch`, …).
    public let code: String
    public let message: String
    public let operation: String
    public let key: String?

    public var description: String {
        "S3 \(operation)\(key.map { " of \($0)" } ?? "") failed: \(status == 0 ? "no answer" : String(status)) \(code)"
            + (message.isEmpty ? "" : ": \(message)")
    }

    /// Worth another try: S3's throttling and server errors.
    var isRetryable: Bool { status >= 500 || status == 429 || code == "SlowDown" || code == "RequestTimeout" }

    /// Credentials that S3 does not accept: a start-up error to say clearly.
    public var isAuthenticationFailure: Bool {
        status == 403 || ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"].contains(code)
    }

    static func from(_ response: HTTPClientResponse, operation: String, key: String?) async -> S3Error {
        let body = (try? await response.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
        return S3Error(
            status: response.status.code, code: S3XML.first("Code", in: body) ?? "HTTP\(response.status.code)",
            message: S3XML.first("Message", in: body) ?? "", operation: operation, key: key)
    }
}

/// Just enough XML for S3's answers: the text of elements by name, and escaping for what we send. S3's answers
/// are flat and machine-written; a full parser would add a dependency for no gain.
enum S3XML {
    static func first(_ tag: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(tag)>"),
            let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return unescape(String(text[open.upperBound..<close.lowerBound]))
    }

    /// The inner text of every `<tag>…</tag>` block, raw (for nested reading with `first`).
    static func all(_ tag: String, in text: String) -> [String] {
        var blocks: [String] = []
        var cursor = text.startIndex
        while let open = text.range(of: "<\(tag)>", range: cursor..<text.endIndex),
            let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex)
        {
            blocks.append(String(text[open.upperBound..<close.lowerBound]))
            cursor = close.upperBound
        }
        return blocks
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingAll("&quot;", with: "\"").replacingAll("&apos;", with: "'")
            .replacingAll("&lt;", with: "<").replacingAll("&gt;", with: ">").replacingAll("&amp;", with: "&")
    }

    static func escape(_ text: String) -> String {
        text.replacingAll("&", with: "&amp;").replacingAll("<", with: "&lt;").replacingAll(">", with: "&gt;")
            .replacingAll("\"", with: "&quot;")
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}

/// Lowercase hex SHA-256 of bytes: the signed payload hash of bodies held in memory.
enum SHA256Hex {
    static func of(_ bytes: UnsafeRawBufferPointer) -> String {
        var hasher = Crypto.SHA256()
        hasher.update(bufferPointer: bytes)
        return hasher.finalize().hexString
    }
}
