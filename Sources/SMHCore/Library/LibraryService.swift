/// The use cases of the admin API and `smh library`: one place for the rules, whichever door a request comes in.
public struct LibraryService<Store: LibraryStore>: Sendable {
    public let store: Store
    public let clock: any Clock

    public init(store: Store, clock: any Clock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    /// Creates a library; the returned secret is the only copy that will ever exist in clear.
    public func create(_ patch: LibrarySettingsPatch) async throws -> (library: Library, secret: String) {
        guard patch.contains(.name) else { throw SMHError(.paramInvalid, "name is required.") }
        var settings = LibrarySettings(name: "")
        try patch.apply(to: &settings, creating: true)
        let secret = RandomToken.librarySecret()
        let now = clock.now()
        let library = Library(
            id: .generate(), settings: settings, secretHash: SecretHash.hash(secret), createdAt: now, updatedAt: now)
        try await store.insertLibrary(library)
        return (library, secret)
    }

    public func list() async throws -> [Library] {
        try await store.libraries()
    }

    public func show(_ id: LibraryID) async throws -> Library {
        guard let library = try await store.library(id) else { throw Self.notFound(id) }
        return library
    }

    public func update(_ id: LibraryID, _ patch: LibrarySettingsPatch) async throws -> Library {
        var library = try await show(id)
        try patch.apply(to: &library.settings, creating: false)
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
        let secret = RandomToken.librarySecret()
        guard try await store.replaceLibrarySecret(id, secretHash: SecretHash.hash(secret), at: clock.now()) else {
            throw Self.notFound(id)
        }
        return secret
    }

    static func notFound(_ id: LibraryID) -> SMHError {
        SMHError(.libraryNotFound, "Library \(id) does not exist.")
    }
}
