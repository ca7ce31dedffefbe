import SMHCore

/// An error of the service API, answered as API 3.0 does: HTTP 200 with `{"Response": {"Error": {"Code",
/// "Message"}, "RequestId"}}`.
struct ServiceAPIError: Error, Sendable, Equatable {
    /// API 3.0's common codes and the SMH service's own (its SDK's `errorcodes.py`).
    enum Code: String, Sendable {
        case signatureFailure = "AuthFailure.SignatureFailure"
        case signatureExpire = "AuthFailure.SignatureExpire"
        case secretIdNotFound = "AuthFailure.SecretIdNotFound"
        case invalidAuthorization = "AuthFailure.InvalidAuthorization"
        case invalidAction = "InvalidAction"
        case noSuchVersion = "NoSuchVersion"
        case invalidParameter = "InvalidParameter"
        case invalidParameterValue = "InvalidParameterValue"
        case limitExceeded = "InvalidParameterValue.LimitExceeded"
        case cosStorageClass = "InvalidParameterValue.CosStorageClass"
        case libraryQuotaRequired = "InvalidParameterValue.LibraryQuotaRequired"
        case libraryQuotaRequiresMultiSpace = "InvalidParameterValue.LibraryQuotaRequiresMultiSpace"
        case missingParameter = "MissingParameter"
        case unknownParameter = "UnknownParameter"
        case requestSizeLimitExceeded = "RequestSizeLimitExceeded"
        case unsupportedProtocol = "UnsupportedProtocol"
        case resourceNotFound = "ResourceNotFound"
        case libraryNotFound = "ResourceNotFound.Library"
        case resourceInUse = "ResourceInUse"
        case multiSpaceInUse = "ResourceInUse.MultiSpace"
        case unsupportedOperation = "UnsupportedOperation"
        case internalError = "InternalError"
    }

    let code: Code
    let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The business core's errors in the service API's words. Setting names are the admin API's (`fileHistoryCount`);
    /// the message names them as the service API does (`FileHistoryCount`).
    init(_ error: SMHError) {
        let message = ServiceLibraryFields.serviceWording(error.message)
        switch error.code {
        case .libraryNotFound, .emptyLibraryId:
            self.init(.libraryNotFound, message)
        case .libraryNotEmpty:
            self.init(.resourceInUse, message)
        case .paramInvalid, .invalidFileHistoryCount, .invalidFileHistoryExpireDay, .invalidFileHistoryMergeInterval:
            self.init(.invalidParameterValue, message)
        case .badRequest:
            self.init(.invalidParameter, message)
        case .functionNotEnabled:
            self.init(.unsupportedOperation, message)
        default:
            self.init(.internalError, "The server met an unexpected condition.")
        }
    }
}
