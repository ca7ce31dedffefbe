/// The wire error codes of spec 10 §5.2, with the one HTTP status each code always carries.
///
/// Raw values are the exact strings clients branch on; never rename a case's raw value.
public enum SMHErrorCode: String, Sendable, CaseIterable {
    // 400
    case badRequest = "BadRequest"
    case emptyLibraryIdOrSecret = "EmptyLibraryIdOrSecret"
    case emptyLibrarySecret = "EmptyLibrarySecret"
    case emptyLibraryId = "EmptyLibraryId"
    case emptySpaceId = "EmptySpaceId"
    case notMultiSpaceLibrary = "NotMultiSpaceLibrary"
    case emptyAccessToken = "EmptyAccessToken"
    case userIdLengthExceed = "UserIdLengthExceed"
    case clientIdLengthExceed = "ClientIdLengthExceed"
    case emptyPath = "EmptyPath"
    case directoryNameLengthExceed = "DirectoryNameLengthExceed"
    case directoryNotAllowed = "DirectoryNotAllowed"
    case directoryLevelExceed = "DirectoryLevelExceed"
    case emptyFileName = "EmptyFileName"
    case fileNameLengthExceed = "FileNameLengthExceed"
    case illegalFileName = "IllegalFileName"
    case extnameNotAllowed = "ExtnameNotAllowed"
    case uploadToRootDirectoryNotAllowed = "UploadToRootDirectoryNotAllowed"
    case coverNotSupportedInFileLibrary = "CoverNotSupportedInFileLibrary"
    case coverNotSupportedInRootDirectory = "CoverNotSupportedInRootDirectory"
    case rootDirectoryNotAllowed = "RootDirectoryNotAllowed"
    case invalidSourceDirectory = "InvalidSourceDirectory"
    case invalidSourceFile = "InvalidSourceFile"
    case invalidSourcePath = "InvalidSourcePath"
    case invalidDestinationPath = "InvalidDestinationPath"
    case invalidTargetFile = "InvalidTargetFile"
    case invalidSpaceOrDirectoryPath = "InvalidSpaceOrDirectoryPath"
    case sourceDirectoryIsParentOfDestination = "SourceDirectoryIsParentOfDestination"
    case fileTypeNotMatched = "FileTypeNotMatched"
    case invalidConflictResolutionStrategy = "InvalidConflictResolutionStrategy"
    case paramInvalid = "ParamInvalid"
    case spaceIdInvalid = "SpaceIdInvalid"
    case orderByNotAllowed = "OrderByNotAllowed"
    case orderByTypeNotAllowed = "OrderByTypeNotAllowed"
    case invalidTimeFormat = "InvalidTimeFormat"
    case badCrc64 = "BadCrc64"
    /// A data-plane body whose MD5 differs from its `Content-MD5` header (the COS code, spec 20 F-04.2).
    case badDigest = "BadDigest"
    case multipartUploadIncomplete = "MultipartUploadIncomplete"
    case multipartUploadPartTooSmall = "MultipartUploadPartTooSmall"
    case emptyCosUploadId = "EmptyCosUploadId"
    case notMultipartUpload = "NotMultipartUpload"
    case incompleteBody = "IncompleteBody"
    case quotaLimitReached = "QuotaLimitReached"
    case libraryQuotaLimitReached = "LibraryQuotaLimitReached"
    case quotaCapacityRequired = "QuotaCapacityRequired"
    case quotaCapacityInvalid = "QuotaCapacityInvalid"
    case quotaCapacityLessThanSize = "QuotaCapacityLessThanSize"
    case quotaSpacesRequired = "QuotaSpacesRequired"
    case quotaSpacesInvalid = "QuotaSpacesInvalid"
    case recycleBinNotEnabled = "RecycleBinNotEnabled"
    case setRecycleLifecycleFrequencyLimit = "SetRecycleLifecycleFrequencyLimit"
    case searchNotEnabled = "SearchNotEnabled"
    case searchTooComplex = "SearchTooComplex"
    case searchIdInvalid = "SearchIdInvalid"
    case tooManyItems = "TooManyItems"
    case noItemsProvided = "NoItemsProvided"
    case overwriteFileNotAllowed = "OverwriteFileNotAllowed"
    case invalidFileHistoryCount = "InvalidFileHistoryCount"
    case invalidFileHistoryExpireDay = "InvalidFileHistoryExpireDay"
    case invalidFileHistoryMergeInterval = "InvalidFileHistoryMergeInterval"
    case directoryHistoryNotBeDeleted = "DirectoryHistoryNotBeDeleted"
    case unsupportedFileType = "UnsupportedFileType"
    case symlinkDepthLimitExceeded = "SymlinkDepthLimitExceeded"
    case symlinkToDirectoryNotAllowed = "SymlinkToDirectoryNotAllowed"
    case symlinkOverwriteConflict = "SymlinkOverwriteConflict"
    case invalidDirectoryStatsType = "InvalidDirectoryStatsType"
    case functionNotEnabled = "FunctionNotEnabled"
    // 401 / 403 of the OpenSMH admin API (spec 00) and of `/metrics`: not part of SMH's catalogue.
    case adminKeyRequired = "AdminKeyRequired"
    case metricsTokenRequired = "MetricsTokenRequired"
    case invalidAdminKey = "InvalidAdminKey"
    // 403
    case invalidAccessToken = "InvalidAccessToken"
    case accessTokenNotMatchSpace = "AccessTokenNotMatchSpace"
    case noPermission = "NoPermission"
    case uploadNotBelongYou = "UploadNotBelongYou"
    case spaceBanned = "SpaceBanned"
    // 404
    case routeNotFound = "RouteNotFound"
    case libraryNotFound = "LibraryNotFound"
    case spaceNotFound = "SpaceNotFound"
    case wrongLibraryIdOrSecret = "WrongLibraryIdOrSecret"
    case directoryNotFound = "DirectoryNotFound"
    case fileNotFound = "FileNotFound"
    case pathNotFound = "PathNotFound"
    case sourceDirectoryNotFound = "SourceDirectoryNotFound"
    case sourceFileNotFound = "SourceFileNotFound"
    case sourcePathNotFound = "SourcePathNotFound"
    case uploadNotFound = "UploadNotFound"
    case uploadIncomplete = "UploadIncomplete"
    case markerNotFound = "MarkerNotFound"
    case noQuota = "NoQuota"
    case quotaNotFound = "QuotaNotFound"
    case recycledItemNotFound = "RecycledItemNotFound"
    case directoryHistoryNotFound = "DirectoryHistoryNotFound"
    case searchIdNotFound = "SearchIdNotFound"
    case favoriteIdNotFound = "FavoriteIdNotFound"
    case taskNotFound = "TaskNotFound"
    case rootLinkFileNotFound = "RootLinkFileNotFound"
    // 405 is not in SMH's catalogue: an unsupported method answers RouteNotFound (spec 10 §1.1).
    // 408
    case readRequestTimeout = "ReadRequestTimeout"
    // 409
    case sameNameDirectoryOrFileExists = "SameNameDirectoryOrFileExists"
    case duplicateQuota = "DuplicateQuota"
    case uploadComplete = "UploadComplete"
    case duplicateFavoriteRecord = "DuplicateFavoriteRecord"
    case spaceNotEmpty = "SpaceNotEmpty"
    case libraryNotEmpty = "LibraryNotEmpty"
    case pathConflict = "PathConflict"
    case renameTooManyTimes = "RenameTooManyTimes"
    case circleSymlink = "CircleSymlink"
    // 413 / 414 / 416 / 429 / 431
    case requestEntityTooLarge = "RequestEntityTooLarge"
    case uriTooLong = "URITooLong"
    case invalidRange = "InvalidRange"
    case rateLimitExceeded = "RateLimitExceeded"
    case headerFieldsTooLarge = "HeaderFieldsTooLarge"
    // 5xx
    case internalServerError = "InternalServerError"
    case serverOverloaded = "ServerOverloaded"
    case requestTimeout = "RequestTimeout"

    /// The HTTP status that always accompanies this code.
    public var httpStatus: Int {
        switch self {
        case .adminKeyRequired, .metricsTokenRequired:
            return 401
        case .invalidAdminKey, .invalidAccessToken, .accessTokenNotMatchSpace, .noPermission,
            .uploadNotBelongYou, .spaceBanned, .setRecycleLifecycleFrequencyLimit:
            return 403
        case .routeNotFound, .libraryNotFound, .spaceNotFound, .wrongLibraryIdOrSecret, .directoryNotFound,
            .fileNotFound, .pathNotFound, .sourceDirectoryNotFound, .sourceFileNotFound, .sourcePathNotFound,
            .uploadNotFound, .uploadIncomplete, .markerNotFound, .noQuota, .quotaNotFound, .recycledItemNotFound,
            .directoryHistoryNotFound, .searchIdNotFound, .favoriteIdNotFound, .taskNotFound, .rootLinkFileNotFound:
            return 404
        case .readRequestTimeout:
            return 408
        case .sameNameDirectoryOrFileExists, .duplicateQuota, .uploadComplete, .duplicateFavoriteRecord,
            .spaceNotEmpty, .libraryNotEmpty, .pathConflict, .renameTooManyTimes, .circleSymlink:
            return 409
        case .requestEntityTooLarge:
            return 413
        case .uriTooLong:
            return 414
        case .invalidRange:
            return 416
        case .rateLimitExceeded:
            return 429
        case .headerFieldsTooLarge:
            return 431
        case .internalServerError:
            return 500
        case .serverOverloaded, .requestTimeout:
            return 503
        default:
            return 400
        }
    }
}
