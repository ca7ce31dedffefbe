/// An issued access token as stored (spec 10 §2.1); the token string itself is kept only as a hash.
public struct AccessToken: Sendable, Hashable {
    /// Which spaces the token reaches.
    public enum SpaceScope: Sendable, Hashable {
        case all
        case only(Set<SpaceID>)
    }

    public let tokenHash: String
    public let libraryId: LibraryID
    public let spaceScope: SpaceScope
    public let userId: String
    public let clientId: String
    public let sessionId: String
    public let grants: Set<Grant>
    /// Seconds; the sliding-renewal length fixed at issue time.
    public let period: Int64
    public var expiresAt: Timestamp
    public let createdAt: Timestamp

    public init(
        tokenHash: String, libraryId: LibraryID, spaceScope: SpaceScope, userId: String, clientId: String,
        sessionId: String, grants: Set<Grant>, period: Int64, expiresAt: Timestamp, createdAt: Timestamp
    ) {
        self.tokenHash = tokenHash
        self.libraryId = libraryId
        self.spaceScope = spaceScope
        self.userId = userId
        self.clientId = clientId
        self.sessionId = sessionId
        self.grants = grants
        self.period = period
        self.expiresAt = expiresAt
        self.createdAt = createdAt
    }

    public var isAdmin: Bool { grants.contains(.admin) }

    public func reaches(_ space: SpaceID) -> Bool {
        switch spaceScope {
        case .all: return true
        case .only(let spaces): return spaces.contains(space)
        }
    }

    public func allows(_ operation: Operation) -> Bool {
        guard let allowed = operation.allowedGrants else { return true }
        return !allowed.isDisjoint(with: grants)
    }

    /// The user a request acts as (spec 10 §1.5.2 and §2.3): the token's user, or — for an admin token issued
    /// without one — the request's `user_id`; otherwise the empty user.
    public func effectiveUser(requested: String?) -> String {
        if !userId.isEmpty { return userId }
        if isAdmin, let requested { return requested }
        return ""
    }

    /// Token strings look like `acctk` + 43 chars of `[0-9a-z]` (spec 10 §1.2): URL-safe, 220 bits of randomness.
    public static func generateString() -> String {
        "acctk" + RandomToken.alphanumeric(count: 43)
    }

    public static let defaultPeriod: Int64 = 86_400
    public static let minimumPeriod: Int64 = 300
    public static let maximumPeriod: Int64 = 315_360_000

    /// Spec 10 §2.1: non-integer or ≤ 0 gives 86400; otherwise clamped to [300, 315 360 000].
    public static func effectivePeriod(_ raw: String?) -> Int64 {
        guard let raw, let value = Int64(raw), value > 0 else {
            // A huge number that does not fit Int64 is still a positive integer: clamp it rather than default it.
            if let raw, !raw.isEmpty, raw.allSatisfy(\.isASCIIDigit), raw.contains(where: { $0 != "0" }) {
                return maximumPeriod
            }
            return defaultPeriod
        }
        return min(max(value, minimumPeriod), maximumPeriod)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
