import SMHCore

/// Where the blobs live: a bucket, an optional key prefix, and the endpoint that serves it.
///
/// `s3://BUCKET[/PREFIX]`; with an endpoint (MinIO, moto, Ceph …) requests are path-style (`http://host:port/BUCKET/
/// KEY`); without one, AWS's regional virtual-hosted endpoint (`https://BUCKET.s3.REGION.amazonaws.com/KEY`).
public struct S3Location: Sendable, Hashable {
    public let bucket: String
    /// Empty, or ends with `/`: every object key starts with it.
    public let prefix: String
    public let region: String
    public let scheme: String
    public let host: String
    public let port: Int?
    public let pathStyle: Bool

    public init(blobStore: String, endpoint: String?, region: String) throws(SMHError) {
        guard blobStore.hasPrefix("s3://") else {
            throw SMHError(.paramInvalid, "The blob store is `file` or `s3://BUCKET[/PREFIX]`, not \(blobStore).")
        }
        let rest = blobStore.dropFirst(5)
        let bucket = String(rest.prefix { $0 != "/" })
        guard Self.isValidBucket(bucket) else {
            throw SMHError(
                .paramInvalid, "'\(bucket)' is not a bucket name (3-63 lower-case letters, digits, dots, hyphens).")
        }
        var prefix = String(rest.dropFirst(bucket.count)).trimmingSlashes()
        if !prefix.isEmpty { prefix += "/" }
        guard !prefix.contains("//"), prefix.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "\\") })
        else {
            throw SMHError(.paramInvalid, "The key prefix '\(prefix)' holds empty segments or control characters.")
        }
        guard !region.isEmpty, region.utf8.allSatisfy({ AddressSafe.isRegionByte($0) }) else {
            throw SMHError(.paramInvalid, "'\(region)' is not a region name.")
        }
        self.bucket = bucket
        self.prefix = prefix
        self.region = region
        if let endpoint {
            let parsed = try Self.parse(endpoint: endpoint)
            (scheme, host, port) = parsed
            pathStyle = true
        } else {
            scheme = "https"
            host = "\(bucket).s3.\(region).amazonaws.com"
            port = nil
            pathStyle = false
        }
    }

    static func parse(endpoint: String) throws(SMHError) -> (String, String, Int?) {
        let scheme: String
        let rest: Substring
        if endpoint.hasPrefix("http://") {
            (scheme, rest) = ("http", endpoint.dropFirst(7))
        } else if endpoint.hasPrefix("https://") {
            (scheme, rest) = ("https", endpoint.dropFirst(8))
        } else {
            throw SMHError(.paramInvalid, "The S3 endpoint is an http:// or https:// URL, not \(endpoint).")
        }
        let authority = rest.hasSuffix("/") ? rest.dropLast() : rest
        guard !authority.isEmpty, !authority.contains("/"), !authority.contains("@"), !authority.contains("?") else {
            throw SMHError(.paramInvalid, "The S3 endpoint is scheme://host[:port] without a path, not \(endpoint).")
        }
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port) else {
                throw SMHError(.paramInvalid, "The S3 endpoint's port is not a number from 1 to 65535: \(endpoint).")
            }
            return (scheme, String(authority[..<colon]), port)
        }
        return (scheme, String(authority), nil)
    }

    static func isValidBucket(_ name: String) -> Bool {
        (3...63).contains(name.utf8.count)
            && name.utf8.allSatisfy {
                AddressSafe.isLowerAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
            }
            && AddressSafe.isLowerAlnum(name.utf8.first!) && AddressSafe.isLowerAlnum(name.utf8.last!)
    }

    /// `scheme://host[:port]`, without a path.
    public var baseURL: String { "\(scheme)://\(hostHeader)" }

    /// The `Host` header: the port only when it is not the scheme's default.
    public var hostHeader: String {
        guard let port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) else { return host }
        return "\(host):\(port)"
    }

    /// What logs and errors may show.
    public var display: String { "s3://\(bucket)/\(prefix) at \(baseURL)" }
}

enum AddressSafe {
    static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func isRegionByte(_ byte: UInt8) -> Bool {
        isLowerAlnum(byte) || byte == UInt8(ascii: "-")
    }
}

extension String {
    func trimmingSlashes() -> String {
        var text = Substring(self)
        while text.hasPrefix("/") { text = text.dropFirst() }
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }
}
