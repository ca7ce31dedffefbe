import Crypto

/// Signs and checks the capabilities the data plane accepts (spec 20 F-04.6): an expiry and an HMAC over what the
/// capability is for, with a key all instances share.
public struct DataPlaneSigner: Sendable {
    /// The HMAC with the key already absorbed: every signature continues a copy of it instead of hashing the
    /// padded key twice again (a download link is signed on every `?info`).
    private let keyed: HMAC<SHA256>

    public init(secret: String) {
        self.keyed = HMAC<SHA256>(key: SymmetricKey(data: Array(secret.utf8)))
    }

    /// `{expiry seconds}.{hex HMAC-SHA256(purpose|subject|expiry)}`.
    public func sign(purpose: String, subject: String, expires: Timestamp) -> String {
        let seconds = expires.milliseconds / 1000
        return "\(seconds).\(mac(purpose, subject, seconds))"
    }

    /// True when `signature` was made by `sign` for this purpose and subject and has not expired.
    public func verify(_ signature: String, purpose: String, subject: String, now: Timestamp) -> Bool {
        let parts = signature.split(separator: ".", maxSplits: 1)
        // Compared in seconds: a forged, huge expiry must not overflow a multiplication.
        guard parts.count == 2, let seconds = Int64(parts[0]), seconds > now.milliseconds / 1000 else { return false }
        return SecretHash.equalInConstantTime(mac(purpose, subject, seconds), parts[1])
    }

    private func mac(_ purpose: String, _ subject: String, _ seconds: Int64) -> String {
        var mac = keyed
        mac.update(data: Array("\(purpose)|\(subject)|\(seconds)".utf8))
        return mac.finalize().hexString
    }
}
