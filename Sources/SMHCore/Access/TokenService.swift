/// Issuing, renewing and revoking access tokens (spec 10 §2.5–2.8).
public struct TokenService<Store: TokenStore & LibraryStore>: Sendable {
    public let store: Store
    public let clock: any Clock

    public init(store: Store, clock: any Clock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    /// The query parameters of `GET|POST /api/v1/token`.
    public struct IssueRequest: Sendable {
        public var libraryId: String?
        public var librarySecret: String?
        public var spaceIds: String?
        public var userId: String?
        public var clientId: String?
        public var sessionId: String?
        public var period: String?
        public var grant: String?

        public init(
            libraryId: String? = nil, librarySecret: String? = nil, spaceIds: String? = nil, userId: String? = nil,
            clientId: String? = nil, sessionId: String? = nil, period: String? = nil, grant: String? = nil
        ) {
            self.libraryId = libraryId
            self.librarySecret = librarySecret
            self.spaceIds = spaceIds
            self.userId = userId
            self.clientId = clientId
            self.sessionId = sessionId
            self.period = period
            self.grant = grant
        }
    }

    public static var maxIdentityLength: Int { 256 }

    /// Issues a new token; returns the token string (the only time it exists in clear) and its period.
    public func issue(_ request: IssueRequest) async throws -> (token: String, period: Int64) {
        let libraryId = request.libraryId ?? ""
        let secret = request.librarySecret ?? ""
        switch (libraryId.isEmpty, secret.isEmpty) {
        case (true, true): throw SMHError(.emptyLibraryIdOrSecret, "library_id and library_secret are required.")
        case (true, false): throw SMHError(.emptyLibraryId, "library_id is required.")
        case (false, true): throw SMHError(.emptyLibrarySecret, "library_secret is required.")
        case (false, false): break
        }
        let userId = request.userId ?? ""
        let clientId = request.clientId ?? ""
        let sessionId = request.sessionId ?? ""
        guard userId.unicodeScalars.count <= Self.maxIdentityLength else {
            throw SMHError(.userIdLengthExceed, "user_id is longer than \(Self.maxIdentityLength) characters.")
        }
        guard clientId.unicodeScalars.count <= Self.maxIdentityLength else {
            throw SMHError(.clientIdLengthExceed, "client_id is longer than \(Self.maxIdentityLength) characters.")
        }
        guard sessionId.unicodeScalars.count <= Self.maxIdentityLength else {
            throw SMHError(.paramInvalid, "session_id is longer than \(Self.maxIdentityLength) characters.")
        }
        let library = try await authenticateSecret(libraryId: libraryId, secret: secret)

        // A single-tenant library has one space: `space_id` is ignored there (spec 10 §2.1).
        var scope = AccessToken.SpaceScope.all
        if library.settings.multiSpace, let raw = request.spaceIds {
            let ids = raw.split(separator: ",").map { SpaceID(String($0).trimmingSpaces) }.filter {
                !$0.rawValue.isEmpty
            }
            guard ids.count <= 1000, ids.allSatisfy({ $0.rawValue.utf8.count <= 64 }) else {
                throw SMHError(.paramInvalid, "space_id must be at most 1000 comma-separated space ids.")
            }
            if !ids.isEmpty { scope = .only(Set(ids)) }
        }
        let grants = Grant.parseList(request.grant)
        // A non-admin token without space_id in a multi-tenant library may be issued but reaches no space (§2.1).
        if library.settings.multiSpace, request.spaceIds?.isEmpty ?? true, !grants.contains(.admin) {
            scope = .only([])
        }
        let period = AccessToken.effectivePeriod(request.period)
        let tokenString = AccessToken.generateString()
        let now = clock.now()
        try await store.insertToken(
            AccessToken(
                tokenHash: SecretHash.hash(tokenString), libraryId: library.id, spaceScope: scope, userId: userId,
                clientId: clientId, sessionId: sessionId, grants: grants, period: period,
                expiresAt: now.adding(seconds: period), createdAt: now))
        return (tokenString, period)
    }

    /// Renews a token by its string: the same token, expiry pushed to now + its period.
    public func renew(libraryId: LibraryID, token: String) async throws -> Int64 {
        _ = try await existingLibrary(libraryId)
        let record = try await validToken(token, library: libraryId)
        try await store.extendToken(hash: record.tokenHash, to: clock.now().adding(seconds: record.period))
        return record.period
    }

    /// Deletes one token; idempotent (an unknown token is already gone).
    public func revoke(libraryId: LibraryID, token: String) async throws {
        _ = try await existingLibrary(libraryId)
        try await store.deleteToken(hash: SecretHash.hash(token), library: libraryId)
    }

    /// Deletes the tokens of up to 10 users, optionally narrowed to clients and sessions (spec 10 §2.8).
    public func revokeUsers(
        libraryId: LibraryID, secret: String?, userIds: String?, clientIds: String?, sessionIds: String?
    ) async throws {
        guard let secret, !secret.isEmpty else { throw SMHError(.emptyLibrarySecret, "library_secret is required.") }
        _ = try await authenticateSecret(libraryId: libraryId.rawValue, secret: secret)
        let users = Self.list(userIds)
        let clients = Self.list(clientIds)
        let sessions = Self.list(sessionIds)
        guard !users.isEmpty else { throw SMHError(.paramInvalid, "user_id is required.") }
        guard users.count <= 10 else { throw SMHError(.paramInvalid, "user_id takes at most 10 user ids.") }
        guard clients.count <= 100, sessions.count <= 100 else {
            throw SMHError(.paramInvalid, "client_id and session_id take at most 100 ids each.")
        }
        try await store.deleteTokens(library: libraryId, userIds: users, clientIds: clients, sessionIds: sessions)
    }

    /// The token record for a presented token string, or `403 InvalidAccessToken` (spec 10 §1.5.1 step 3).
    public func validToken(_ token: String, library: LibraryID) async throws -> AccessToken {
        // Well-formed tokens are short; anything else cannot match and is not worth hashing.
        guard token.utf8.count <= 128, let record = try await store.token(hash: SecretHash.hash(token)),
            record.libraryId == library, record.expiresAt > clock.now()
        else {
            throw SMHError(.invalidAccessToken, "The access token is invalid or has expired.")
        }
        return record
    }

    /// Checks a library secret; an unknown library and a wrong secret answer alike, so ids cannot be probed.
    public func authenticateSecret(libraryId: String, secret: String) async throws -> Library {
        guard libraryId.utf8.count <= 64, let library = try await store.library(LibraryID(libraryId)),
            SecretHash.matches(secret, hash: library.secretHash)
        else {
            throw SMHError(.wrongLibraryIdOrSecret, "The library id or library secret is wrong.")
        }
        return library
    }

    func existingLibrary(_ id: LibraryID) async throws -> Library {
        guard id.rawValue.utf8.count <= 64, let library = try await store.library(id) else {
            throw SMHError(.libraryNotFound, "Library \(id) does not exist.")
        }
        return library
    }

    static func list(_ raw: String?) -> [String] {
        (raw ?? "").split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    }
}
