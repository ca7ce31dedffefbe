import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SMHCore

/// SMH's JSON error body (spec 10 §1.9).
struct ErrorBody: Encodable {
    let code: String
    let message: String
    let requestId: String
}

extension SMHError {
    /// Renders the error as SMH does: the fixed status of the code and `{code, message, requestId}`; no body on HEAD.
    func response(requestId: String, method: HTTPRequest.Method) -> Response {
        let status = HTTPResponse.Status(code: httpStatus)
        if method == .head {
            return Response(status: status)
        }
        return JSON.response(status: status, ErrorBody(code: code.rawValue, message: message, requestId: requestId))
    }

    /// Maps whatever a handler threw to the SMH error a client should see.
    static func from(_ error: any Error) -> SMHError {
        switch error {
        case let error as SMHError:
            return error
        case let error as HTTPError:
            switch error.status.code {
            case 404, 405: return SMHError(.routeNotFound, "No such API.")
            case 413: return SMHError(.requestEntityTooLarge, "The request body is too large.")
            case 414: return SMHError(.uriTooLong, "The request URI is too long.")
            case 431: return SMHError(.headerFieldsTooLarge, "The request headers are too large.")
            case 400..<500: return SMHError(.badRequest, error.body ?? "Bad request.")
            default: return .internalError(error)
            }
        case is NIOTooManyBytesError:
            return SMHError(.requestEntityTooLarge, "The request body is too large.")
        default:
            return .internalError(ErrorBox(error))
        }
    }
}

/// Carries a non-Sendable error as the logged cause of an internal error.
struct ErrorBox: Error, @unchecked Sendable, CustomStringConvertible {
    let error: any Error
    init(_ error: any Error) { self.error = error }
    var description: String { String(reflecting: error) }
}
