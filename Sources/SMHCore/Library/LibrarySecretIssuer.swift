import Crypto

/// Library secrets the server can show again without keeping them.
///
/// SMH's service API answers `DescribeLibrarySecret` at any time, while OpenSMH stores secrets only as hashes. With a
/// server key (`--api-secret-key`) a secret is derived: HMAC-SHA256(key, library id, salt). The database keeps the salt
/// and the hash, so a copy of it reveals no secret; the server recomputes the secret from its key when asked. A new
/// salt is a new secret (rotation).
public struct LibrarySecretIssuer: Sendable {
    private let key: SymmetricKey

    public init(serverKey: String) {
        // A purpose prefix keeps this key apart from the request-signing use of the same configured secret.
        key = SymmetricKey(data: SHA256.hash(data: Array("opensmh library secrets\n\(serverKey)".utf8)))
    }

    /// 160 bits of the MAC in hex: as long as a random secret (40 characters) and as hard to guess without the key.
    public func secret(for id: LibraryID, salt: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(id.rawValue)\n\(salt)".utf8), using: key)
        return Array(mac.prefix(20)).hexString
    }

    /// A fresh salt and the secret it gives.
    public func issue(for id: LibraryID) -> (secret: String, salt: String) {
        let salt = RandomToken.alphanumeric(count: 24)
        return (secret(for: id, salt: salt), salt)
    }
}
