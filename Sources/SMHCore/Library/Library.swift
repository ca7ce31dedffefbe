/// A media library: the top-level, fully isolated unit (spec 10 §6.1).
public struct Library: Sendable, Hashable {
    public let id: LibraryID
    public var settings: LibrarySettings
    /// SHA-256 of the library secret; the secret itself is shown once and never stored.
    public var secretHash: String
    /// Set when the secret was derived by a `LibrarySecretIssuer`: the server can then show it again.
    public var secretSalt: String?
    public let createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: LibraryID, settings: LibrarySettings, secretHash: String, secretSalt: String? = nil, createdAt: Timestamp,
        updatedAt: Timestamp
    ) {
        self.id = id
        self.settings = settings
        self.secretHash = secretHash
        self.secretSalt = secretSalt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
