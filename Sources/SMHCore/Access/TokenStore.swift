/// Persistence of access tokens, looked up by the SHA-256 of the token string (a primary-key lookup).
public protocol TokenStore: Sendable {
    func insertToken(_ token: AccessToken) async throws
    func token(hash: String) async throws -> AccessToken?
    /// Moves the expiry forward (sliding renewal); never backward.
    func extendToken(hash: String, to expiresAt: Timestamp) async throws
    /// Deletes one token of a library; true when it existed.
    @discardableResult
    func deleteToken(hash: String, library: LibraryID) async throws -> Bool
    /// Deletes the tokens of these users, optionally only those of the given clients and sessions (spec 10 §2.8).
    /// Returns how many were deleted.
    @discardableResult
    func deleteTokens(library: LibraryID, userIds: [String], clientIds: [String], sessionIds: [String]) async throws
        -> Int
}
