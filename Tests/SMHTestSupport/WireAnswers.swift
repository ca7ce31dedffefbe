import Foundation

/// Test-side mirrors of the main answers (spec 10 §1.10, spec 20): tests decode into these instead of reading
/// untyped dictionaries, so a renamed or retyped field fails where it is read.
public struct ErrorAnswer: Decodable, Sendable, Equatable {
    public let code: String
    public let message: String
    public let requestId: String
}

public struct TokenAnswer: Decodable, Sendable {
    public let accessToken: String
    public let expiresIn: Int
}

public struct NodeAnswer: Decodable, Sendable {
    public let name: String
    public let path: [String]?
    public let type: String
    public let creationTime: String
    public let modificationTime: String
    public let eTag: String?
    public let userId: String?
    public let size: String?
    public let crc64: String?
    public let contentType: String?
    public let fileType: String?
    public let versionId: Int?
    public let previewByDoc: Bool?
    public let previewByCI: Bool?
    public let previewAsIcon: Bool?
    public let removedByQuota: Bool?
    public let isOverwritten: Bool?
    public let cosUrl: String?
    public let inode: String?
}

public struct ListingAnswer: Decodable, Sendable {
    public let path: [String]
    public let contents: [NodeAnswer]
    public let fileCount: Int?
    public let subDirCount: Int?
    public let totalNum: Int?
    public let eTag: String?
    public let nextMarker: String?
}

public struct BeginUploadAnswer: Decodable, Sendable {
    public let domain: String
    public let path: String
    public let headers: [String: String]
    public let confirmKey: String
    public let expiration: String
    public let availableDomainNum: Int
    public let uploadId: String?
}

extension Reply {
    /// The body decoded as `T`; a missing or mistyped field fails the test with the body in the message.
    public func decoded<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw TestFailure("\(T.self) from \(status) \(text): \(error)")
        }
    }
}
