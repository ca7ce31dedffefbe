/// The one authorization path every business endpoint takes (spec 10 §1.5.1): library, credentials, space scope,
/// space existence, permission — in that order, so that every refusal is the documented one.
public struct AccessService<Store: TokenStore & LibraryStore & SpaceStore>: Sendable {
    public let store: Store
    public let clock: any Clock

    public init(store: Store, clock: any Clock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    /// The credentials a request carries in its query.
    public struct Credentials: Sendable {
        public var accessToken: String?
        public var librarySecret: String?
        /// The `user_id` query override, honoured only for admin tokens without a user (spec 10 §2.3).
        public var userId: String?

        public init(accessToken: String? = nil, librarySecret: String? = nil, userId: String? = nil) {
            self.accessToken = accessToken
            self.librarySecret = librarySecret
            self.userId = userId
        }
    }

    /// Steps 2 and 3: the library exists, and the credentials are valid for it.
    public func caller(libraryId: String, credentials: Credentials) async throws -> Caller {
        guard !libraryId.isEmpty, libraryId.utf8.count <= 64,
            let library = try await store.library(LibraryID(libraryId))
        else {
            throw SMHError(.libraryNotFound, "Library \(libraryId) does not exist.")
        }
        if let token = credentials.accessToken, !token.isEmpty {
            let record = try await TokenService(store: store, clock: clock).validToken(token, library: library.id)
            return Caller(
                library: library, token: record, userId: record.effectiveUser(requested: credentials.userId),
                renewable: true)
        }
        if let secret = credentials.librarySecret, !secret.isEmpty {
            // The library secret stands for an admin token of no user over all spaces (spec 10 §1.4, P2).
            guard SecretHash.matches(secret, hash: library.secretHash) else {
                throw SMHError(.wrongLibraryIdOrSecret, "The library id or library secret is wrong.")
            }
            let now = clock.now()
            let token = AccessToken(
                tokenHash: "", libraryId: library.id, spaceScope: .all, userId: "", clientId: "", sessionId: "",
                grants: [.admin], period: 0, expiresAt: now, createdAt: now)
            return Caller(
                library: library, token: token, userId: token.effectiveUser(requested: credentials.userId),
                renewable: false)
        }
        // No credentials: an anonymous caller, which `space(_:for:operation:)` admits only to the content reads of a
        // public-read space (spec 10 §1.5.3); everything else answers `400 EmptyAccessToken`.
        let now = clock.now()
        let nobody = AccessToken(
            tokenHash: "", libraryId: library.id, spaceScope: .all, userId: "", clientId: "", sessionId: "",
            grants: [], period: 0, expiresAt: now, createdAt: now)
        return Caller(library: library, token: nobody, userId: "", renewable: false, isAnonymous: true)
    }

    /// The spaces of a copy or move: one space with `operation`'s grants or, across spaces (spec 30 B2, B3), two
    /// spaces of the library, on each of which the token must be `admin` or `space_admin`.
    public func spaces(_ targetId: String, source sourceId: String?, for caller: Caller, operation: Operation)
        async throws -> (target: Space, source: Space)
    {
        guard let sourceId, !sourceId.isEmpty, sourceId != targetId else {
            let space = try await space(targetId, for: caller, operation: operation)
            return (space, space)
        }
        let target = try await space(targetId, for: caller, operation: .spaceAdministration)
        return (target, try await space(sourceId, for: caller, operation: .spaceAdministration))
    }

    /// Steps 4 to 6 for a space-scoped route: scope, existence, then permission.
    public func space(_ rawId: String, for caller: Caller, operation: Operation) async throws -> Space {
        let id = SpaceID(rawId)
        if caller.isAnonymous {
            guard operation == .readContent, let space = try? await existingSpace(id, in: caller.library),
                space.settings.isPublicRead
            else {
                throw SMHError(.emptyAccessToken, "access_token is required.")
            }
            return space
        }
        guard !rawId.isEmpty else { throw SMHError(.emptySpaceId, "The space id is missing.") }
        guard caller.token.reaches(id) else {
            throw SMHError(.accessTokenNotMatchSpace, "The access token is not valid for space \(rawId).")
        }
        let space = try await existingSpace(id, in: caller.library)
        try caller.require(operation)
        return space
    }

    /// A space of the library, or `404 SpaceNotFound`. A single-tenant library has exactly the space `-`, a
    /// multi-tenant library never has it (spec 10 §1.2).
    public func existingSpace(_ id: SpaceID, in library: Library) async throws -> Space {
        let plausible = library.settings.multiSpace ? id != .singleTenant : id == .singleTenant
        guard plausible, id.rawValue.utf8.count <= 64, var space = try await store.space(library: library.id, id: id)
        else {
            throw SMHError(.spaceNotFound, "Space \(id) does not exist.")
        }
        if !library.settings.multiSpace { space.settings = SpaceExtension(library: library.settings) }
        return space
    }

    /// Sliding renewal after a successful call (spec 10 §1.5.1). Skipped when the expiry would move by less than a
    /// minute, so a busy client does not turn every read into a write.
    public func renew(_ caller: Caller) async throws {
        guard caller.renewable else { return }
        let target = clock.now().adding(seconds: caller.token.period)
        if target.milliseconds - caller.token.expiresAt.milliseconds >= 60_000 {
            try await store.extendToken(hash: caller.token.tokenHash, to: target)
        }
    }
}
