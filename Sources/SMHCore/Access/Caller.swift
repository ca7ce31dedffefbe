/// Who is calling, once the library and the credentials of a request have been checked.
public struct Caller: Sendable {
    public let library: Library
    public let token: AccessToken
    /// The user the request acts as (spec 10 §1.5.2).
    public let userId: String
    /// False when the caller authenticated with the library secret, which has no expiry to slide.
    public let renewable: Bool
    /// No credentials at all: only the content reads of a public-read library or space are open to it.
    public let isAnonymous: Bool

    public init(library: Library, token: AccessToken, userId: String, renewable: Bool, isAnonymous: Bool = false) {
        self.library = library
        self.token = token
        self.userId = userId
        self.renewable = renewable
        self.isAnonymous = isAnonymous
    }

    /// Everything but public reads needs credentials (spec 10 §1.5.1 step 3).
    public func requireCredentials() throws(SMHError) {
        if isAnonymous { throw SMHError(.emptyAccessToken, "access_token is required.") }
    }

    /// Refuses an operation the token's grants do not cover (spec 10 §1.5.1 step 6).
    public func require(_ operation: Operation) throws(SMHError) {
        try requireCredentials()
        guard token.allows(operation) else {
            throw SMHError(.noPermission, "The access token does not grant this operation.")
        }
    }

    /// Space-management calls exist only in multi-tenant libraries.
    public func requireMultiSpace() throws(SMHError) {
        guard library.settings.multiSpace else {
            throw SMHError(.notMultiSpaceLibrary, "This operation needs a multi-tenant library.")
        }
    }
}
