import Crypto
import SMHCore

/// Tencent Cloud API 3.0's request signature, TC3-HMAC-SHA256, from the server's side: parse the `Authorization`
/// header, rebuild the canonical request from what arrived, and compare signatures.
struct TC3Signature: Sendable, Equatable {
    static let algorithm = "TC3-HMAC-SHA256"

    let secretId: String
    /// The credential scope's date, `YYYY-MM-DD` (UTC).
    let date: String
    let service: String
    /// Lower-case names, in the order the client listed them (`content-type;host`).
    let signedHeaders: [String]
    let signature: String

    /// `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=hex`.
    init(authorization: String) throws(ServiceAPIError) {
        let malformed = ServiceAPIError(
            .invalidAuthorization, "The Authorization header does not follow Tencent Cloud API 3.0 (TC3-HMAC-SHA256).")
        guard authorization.hasPrefix(Self.algorithm + " ") else { throw malformed }
        var parts: [String: String] = [:]
        for item in authorization.dropFirst(Self.algorithm.count + 1).split(separator: ",") {
            let pair = item.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { throw malformed }
            parts[String(pair[0])] = String(pair[1])
        }
        guard let credential = parts["Credential"], let headers = parts["SignedHeaders"],
            let signature = parts["Signature"]
        else { throw malformed }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 4, scope[3] == "tc3_request", !scope[0].isEmpty else { throw malformed }
        let names = headers.split(separator: ";", omittingEmptySubsequences: false).map { $0.lowercased() }
        guard names.contains("content-type"), names.contains("host"), !names.contains("") else { throw malformed }
        guard signature.count == 64, signature.utf8.allSatisfy({ Self.isLowerHex($0) }) else { throw malformed }
        secretId = scope[0]
        date = scope[1]
        service = scope[2]
        signedHeaders = names
        self.signature = signature
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// The canonical request of API 3.0: method, URI, query (GET only), the signed headers as `name:value\n` with
    /// values trimmed (content-type lower-cased, as Tencent's servers compare it), their names, the payload's SHA-256.
    static func canonicalRequest(
        method: String, uri: String, query: String, headers: [(name: String, value: String)], payloadHash: String
    ) -> String {
        let canonicalHeaders = headers.map { "\($0.name):\($0.value.trimmingCharacters(in: .whitespaces))\n" }.joined()
        let names = headers.map(\.name).joined(separator: ";")
        return "\(method)\n\(uri)\n\(query)\n\(canonicalHeaders)\n\(names)\n\(payloadHash)"
    }

    static func stringToSign(timestamp: Int64, date: String, service: String, canonicalRequest: String) -> String {
        let hashed = SHA256.hash(data: Array(canonicalRequest.utf8)).hexString
        return "\(algorithm)\n\(timestamp)\n\(date)/\(service)/tc3_request\n\(hashed)"
    }

    /// HMAC chain: "TC3" + key → date → service → "tc3_request" → the string to sign.
    static func sign(secretKey: String, date: String, service: String, stringToSign: String) -> String {
        func mac(_ key: [UInt8], _ message: String) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
        }
        let signingKey = mac(mac(mac(Array("TC3\(secretKey)".utf8), date), service), "tc3_request")
        return mac(signingKey, stringToSign).hexString
    }

    /// Compares in time independent of where the signatures differ.
    func matches(_ expected: String) -> Bool {
        SecretHash.equalInConstantTime(signature, expected)
    }
}
