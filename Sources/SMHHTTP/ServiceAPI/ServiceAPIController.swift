import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SMHCore
import SMHStoreSQL

/// The credentials of the service API (`--api-secret-id`, `--api-secret-key`): one SecretId/SecretKey pair, as a
/// Tencent Cloud account has. Held in memory only; never logged.
public struct ServiceAPICredentials: Sendable {
    public let secretId: String
    public let secretKey: String

    public init(secretId: String, secretKey: String) {
        self.secretId = secretId
        self.secretKey = secretKey
    }
}

/// SMH's service-level API ("PaaS service APIs", version 2021-07-12): Tencent Cloud API 3.0 calls on `POST /` (or
/// `GET /` with query parameters), dispatched on `X-TC-Action`, signed with TC3-HMAC-SHA256, answered with HTTP 200
/// and the `{"Response": {…, "RequestId"}}` envelope, errors included.
struct ServiceAPIController: Sendable {
    static let version = "2021-07-12"
    static let service = "smh"
    static let maxBodyBytes = 1 << 20
    /// How far `X-TC-Timestamp` may be from the server's clock, either way (API 3.0: five minutes).
    static let allowedSkewSeconds: Int64 = 300

    let libraries: LibraryService<SQLStore>
    let credentials: ServiceAPICredentials?
    let settings: ServerSettings
    let clock: any Clock

    static let action = HTTPField.Name("X-TC-Action")!
    static let versionHeader = HTTPField.Name("X-TC-Version")!
    static let timestamp = HTTPField.Name("X-TC-Timestamp")!
    static let contentSHA256 = HTTPField.Name("X-TC-Content-SHA256")!
    static let host = HTTPField.Name("Host")!

    /// `POST /` is also where form uploads land (F-04.4): a request is the service API's when it names an action or
    /// carries a TC3 signature.
    static func claims(_ request: Request) -> Bool {
        request.headers[action] != nil
            || request.headers[.authorization]?.hasPrefix(TC3Signature.algorithm) == true
    }

    @Sendable func answer(_ request: Request, context: SMHRequestContext) async -> Response {
        var request = request
        do {
            let fields = try await authenticated(&request)
            let action = try Self.checkedAction(request)
            let result = try await perform(action, ServiceParameters(fields), request: request, context: context)
            return respond(result, requestId: context.requestId)
        } catch let error as ServiceAPIError {
            return respond(error, requestId: context.requestId, context: context)
        } catch let error as SMHError {
            return respond(ServiceAPIError(error), requestId: context.requestId, context: context)
        } catch {
            context.logger.error("service API failure", metadata: ["error": "\(error)"])
            return respond(
                ServiceAPIError(.internalError, "The server met an unexpected condition."),
                requestId: context.requestId, context: context)
        }
    }

    /// Reads the parameters and checks the signature over exactly the bytes that arrived.
    private func authenticated(_ request: inout Request) async throws(ServiceAPIError) -> [String: AnyJSON] {
        let body: [UInt8]
        do {
            var buffer = try await request.collectBody(upTo: Self.maxBodyBytes)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            throw ServiceAPIError(
                .requestSizeLimitExceeded, "The request body is larger than \(Self.maxBodyBytes) bytes.")
        }
        guard let credentials else {
            throw ServiceAPIError(
                .secretIdNotFound,
                "The service API is not enabled on this server: it needs --api-secret-id and --api-secret-key.")
        }
        guard let header = request.headers[.authorization] else {
            throw ServiceAPIError(.signatureFailure, "The request is not signed (no Authorization header).")
        }
        let signature = try TC3Signature(authorization: header)
        guard signature.secretId == credentials.secretId else {
            throw ServiceAPIError(.secretIdNotFound, "The SecretId is not known to this server.")
        }
        guard signature.service == Self.service else {
            throw ServiceAPIError(
                .signatureFailure, "The credential scope names service '\(signature.service)'; this is 'smh'.")
        }
        guard let stamp = request.headers[Self.timestamp] else {
            throw ServiceAPIError(.missingParameter, "The X-TC-Timestamp header is required.")
        }
        guard let timestamp = Int64(stamp) else {
            throw ServiceAPIError(.invalidParameter, "X-TC-Timestamp must be a Unix time in seconds.")
        }
        let now = clock.now().milliseconds / 1000
        guard abs(now - timestamp) <= Self.allowedSkewSeconds else {
            throw ServiceAPIError(
                .signatureExpire,
                "The signature has expired: X-TC-Timestamp is more than \(Self.allowedSkewSeconds) s from the server's clock."
            )
        }
        guard signature.date == String(Timestamp(milliseconds: timestamp * 1000).iso8601.prefix(10)) else {
            throw ServiceAPIError(
                .signatureFailure, "The credential scope's date is not the UTC date of X-TC-Timestamp.")
        }

        let isGet = request.method == .get
        let query = isGet ? request.uri.query ?? "" : ""
        let payloadHash =
            request.headers[Self.contentSHA256] == "UNSIGNED-PAYLOAD"
            ? SHA256.hash(data: Array("UNSIGNED-PAYLOAD".utf8)).hexString
            : SHA256.hash(data: isGet ? [] : body).hexString
        var headers: [(name: String, value: String)] = []
        for name in signature.signedHeaders {
            let value =
                name == "host"
                ? request.head.authority ?? request.headers[Self.host]
                : HTTPField.Name(name).flatMap { request.headers[$0] }
            guard let value else {
                throw ServiceAPIError(.signatureFailure, "The signed header '\(name)' is not in the request.")
            }
            headers.append((name, value))
        }
        // Tencent's documentation lower-cases header values; its SDKs sign them as sent. Either form is accepted.
        let asSent = headers
        let lowered = headers.map { ($0.name, $0.value.lowercased()) }
        let valid = [asSent, lowered].contains { candidate in
            let canonical = TC3Signature.canonicalRequest(
                method: request.method.rawValue, uri: "/", query: query, headers: candidate, payloadHash: payloadHash)
            let toSign = TC3Signature.stringToSign(
                timestamp: timestamp, date: signature.date, service: Self.service, canonicalRequest: canonical)
            return signature.matches(
                TC3Signature.sign(
                    secretKey: credentials.secretKey, date: signature.date, service: Self.service, stringToSign: toSign)
            )
        }
        guard valid else {
            throw ServiceAPIError(
                .signatureFailure, "The signature does not match: check the SecretKey and how the request is signed.")
        }

        if isGet {
            return try AnyJSON.parse(query: Self.queryPairs(query))
        }
        let contentType = request.headers[.contentType]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard contentType == "application/json" else {
            throw ServiceAPIError(.invalidParameter, "A POST body must be application/json.")
        }
        return try AnyJSON.parse(json: body)
    }

    private static func checkedAction(_ request: Request) throws(ServiceAPIError) -> String {
        guard let version = request.headers[versionHeader] else {
            throw ServiceAPIError(.missingParameter, "The X-TC-Version header is required.")
        }
        guard version == Self.version else {
            throw ServiceAPIError(.noSuchVersion, "This server speaks version \(Self.version) of the SMH service API.")
        }
        guard let action = request.headers[action], !action.isEmpty else {
            throw ServiceAPIError(.missingParameter, "The X-TC-Action header is required.")
        }
        return action
    }

    static func queryPairs(_ query: String) -> [(String, String)] {
        query.split(separator: "&").compactMap { item in
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                (String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding) ?? String(text)
            }
            guard let key = pair.first, !key.isEmpty else { return nil }
            return (decode(key), pair.count > 1 ? decode(pair[1]) : "")
        }
    }

    private func respond(_ fields: [String: AnyJSON], requestId: String) -> Response {
        var fields = fields
        fields["RequestId"] = .string(requestId)
        return Self.envelope(.object(["Response": .object(fields)]))
    }

    private func respond(_ error: ServiceAPIError, requestId: String, context: SMHRequestContext) -> Response {
        context.logger.info(
            "service API error", metadata: ["code": .string(error.code.rawValue)])
        return Self.envelope(
            .object([
                "Response": .object([
                    "Error": .object(["Code": .string(error.code.rawValue), "Message": .string(error.message)]),
                    "RequestId": .string(requestId),
                ])
            ]))
    }

    /// Exactly `application/json`: Tencent's SDKs look for errors only under that content type.
    private static func envelope(_ value: AnyJSON) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data(#"{"Response":{}}"#.utf8)
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
