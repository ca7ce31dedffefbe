/// The use cases of the admin API and `smh library`: one place for the rules, whichever door a request comes in.
public struct LibraryService<Store: LibraryStore>: Sendable {
    public let store: Store
    public let clock: any Clock
    /// With a server key, secrets are derived and can be shown again (`revealSecret`); without, they are random.
    public let secrets: LibrarySecretIssuer?

    public init(store: Store, clock: any Clock = SystemClock(), secrets: LibrarySecretIssuer? = nil) {
        self.store = store
        self.clock = clock
        self.secrets = secrets
    }

    /// Creates a library; without a server key the returned secret is the only copy that will ever exist in clear.
    /// `defaults` are applied before the patch (the service API's defaults differ from the admin API's).
    public func create(
        _ patch: LibrarySettingsPatch, defaults: (inout LibrarySettings) -> Void = { _ in }
    ) async throws -> (library: Library, secret: String) {
        guard patch.contains(.name) else { throw SMHError(.paramInvalid, "name is required.") }
        var settings = LibrarySettings(name: "")
        defaults(&settings)
        try patch.apply(to: &settings, creating: true)
        let id = LibraryID.generate()
        let (secret, salt) = newSecret(for: id)
        let now = clock.now()
        let library = Library(
            id: id, settings: settings, secretHash: SecretHash.hash(secret), secretSalt: salt, createdAt: now,
            updatedAt: now)
        try await store.insertLibrary(library)
        return (library, secret)
    }

    private func newSecret(for id: LibraryID) -> (secret: String, salt: String?) {
        guard let secrets else { return (RandomToken.librarySecret(), nil) }
        let issued = secrets.issue(for: id)
        return (issued.secret, issued.salt)
    }

    /// The library's current secret (service API `DescribeLibrarySecret`). A secret that cannot be recomputed — made
    /// at random before a server key was set, or under another key — is replaced by a derived one first; from then on
    /// every call answers the same secret until it is rotated.
    public func revealSecret(_ id: LibraryID) async throws -> String {
        guard let secrets else {
            throw SMHError(.functionNotEnabled, "Library secrets can be shown again only with a server key.")
        }
        for _ in 0..<5 {
            let library = try await show(id)
            if let salt = library.secretSalt {
                let secret = secrets.secret(for: id, salt: salt)
                if SecretHash.matches(secret, hash: library.secretHash) { return secret }
            }
            let issued = secrets.issue(for: id)
            if try await store.replaceLibrarySecret(
                id, secretHash: SecretHash.hash(issued.secret), salt: issued.salt, ifCurrent: library.secretHash,
                at: clock.now())
            {
                return issued.secret
            }
        }
        throw SMHError(.internalServerError, "The library's secret kept changing while it was read.")
    }

    public func list() async throws -> [Library] {
        try await store.libraries()
    }

    public func show(_ id: LibraryID) async throws -> Library {
        guard let library = try await store.library(id) else { throw Self.notFound(id) }
        return library
    }

    public func update(
        _ id: LibraryID, _ patch: LibrarySettingsPatch, also adjust: (inout LibrarySettings) -> Void = { _ in }
    ) async throws -> Library {
        var library = try await show(id)
        try patch.apply(to: &library.settings, creating: false)
        adjust(&library.settings)
        library.updatedAt = clock.now()
        guard try await store.updateLibrary(id, settings: library.settings, at: library.updatedAt) else {
            throw Self.notFound(id)
        }
        return library
    }

    public func delete(_ id: LibraryID, force: Bool) async throws {
        switch try await store.deleteLibrary(id, force: force) {
        case .deleted: return
        case .notFound: throw Self.notFound(id)
        case .notEmpty:
            throw SMHError(.libraryNotEmpty, "Library \(id) is not empty; delete it with force to remove its content.")
        }
    }

    /// Issues a new secret; the old one stops working at once.
    public func rotateSecret(_ id: LibraryID) async throws -> String {
        let (secret, salt) = newSecret(for: id)
        guard
            try await store.replaceLibrarySecret(
                id, secretHash: SecretHash.hash(secret), salt: salt, ifCurrent: nil, at: clock.now())
        else {
            throw Self.notFound(id)
        }
        return secret
    }

    static func notFound(_ id: LibraryID) -> SMHError {
        SMHError(.libraryNotFound, "Library \(id) does not exist.")
    }
}
