import Foundation
import HTTPTypes
import Hummingbird
import SMHCore

/// JSON in and out, with SMH's content type and the error codes bad bodies deserve.
enum JSON {
    static let contentType = "application/json; charset=utf-8"

    static func response(status: HTTPResponse.Status = .ok, _ value: some Encodable) -> Response {
        do {
            let bytes = try WireJSONEncoder().encode(value)
            return Response(
                status: status, headers: [.contentType: contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch {
            // Encoding our own wire types cannot fail short of a programming error (a non-finite number): still an
            // SMH error body, with the cause in the log line of the request.
            return SMHError.internalError(ErrorBox(error)).response(requestId: "", method: .get)
        }
    }

    /// Reads a JSON body of at most `limit` bytes. An empty body decodes as `{}` (bodies may be optional, spec 10
    /// §1.7); invalid JSON is `400 BadRequest`; a type mismatch or missing field is `400 ParamInvalid`.
    static func decode<T: Decodable>(
        _ type: T.Type, from request: inout Request, limit: Int = 1 << 20
    ) async throws -> T {
        var buffer = try await request.collectBody(upTo: limit)
        var bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { bytes = Array("{}".utf8) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as SMHError {
            throw error
        } catch DecodingError.dataCorrupted {
            throw SMHError(.badRequest, "The body is not valid JSON.")
        } catch let DecodingError.keyNotFound(key, _) {
            throw SMHError(.paramInvalid, "\(key.stringValue) is required.")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw SMHError(
                .paramInvalid, field.isEmpty ? "The body has the wrong shape." : "\(field) has the wrong type.")
        }
    }
}
