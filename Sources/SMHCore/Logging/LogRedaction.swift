/// Removes credentials from a request target before it reaches a log line (non-negotiable 7).
///
/// Query values of `access_token` and `library_secret` become `***`, and so does any path segment that is a token
/// (the token group carries it in the path: `/api/v1/token/{LibraryId}/{AccessToken}`), and so do the capabilities
/// of data-plane URLs.
public enum LogRedaction {
    static let secretQueryKeys: Set<Substring> = ["access_token", "library_secret", "librarySecret", "accessToken"]

    public static func redact(target: String) -> String {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var path = redactPath(parts[0])
        if parts.count == 2 {
            let query = parts[1].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                let key = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
                let decodedKey = PercentDecoding.decode(key, plusAsSpace: true).map { Substring($0) } ?? key
                return secretQueryKeys.contains(decodedKey) ? "\(key)=***" : String(pair)
            }
            path += "?" + query.joined(separator: "&")
        }
        return scrub(path)
    }

    static let secretMarkers = ["access_token", "library_secret", "librarySecret", "accessToken"].flatMap { key in
        ["=", "%3D", "%3d"].map { Array((key + $0).utf8) }
    }
    static let tokenPrefix = Array("acctk".utf8)

    /// A second pass over the whole target, whatever its shape: a secret key anywhere (after a second `?`, inside
    /// another value, in the path) loses its value up to the next `&`, and any `acctk…` token run becomes `***`.
    static func scrub(_ target: String) -> String {
        let bytes = Array(target.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        func matches(_ marker: [UInt8], at position: Int) -> Bool {
            position + marker.count <= bytes.count && bytes[position..<position + marker.count].elementsEqual(marker)
        }
        func isTokenByte(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_")
        }
        let stars = Array("***".utf8)
        while index < bytes.count {
            if let marker = secretMarkers.first(where: { matches($0, at: index) }) {
                out += marker
                index += marker.count
                let start = index
                while index < bytes.count && bytes[index] != UInt8(ascii: "&") { index += 1 }
                if index > start { out += stars }
                continue
            }
            if matches(tokenPrefix, at: index) {
                while index < bytes.count && isTokenByte(bytes[index]) { index += 1 }
                out += stars
                continue
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func redactPath(_ path: Substring) -> String {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // /api/v1/token/{LibraryId}/{AccessToken}: everything after the library id in the token group is secret.
        if let api = APIPath(rawPath: path), api.group == "token",
            let tokenIndex = segments.firstIndex(of: "token").map({ $0 + 2 }), tokenIndex < segments.count
        {
            for index in tokenIndex..<segments.count where !segments[index].isEmpty { segments[index] = "***" }
        }
        for index in segments.indices where segments[index].hasPrefix("acctk") {
            segments[index] = "***"
        }
        // Data-plane URLs carry their capability in the path: /_opensmh/up/{confirmKey}, /_opensmh/dl/{signature}/….
        if let plane = segments.firstIndex(of: "_opensmh"), plane + 2 < segments.count {
            segments[plane + 2] = "***"
        }
        return segments.joined(separator: "/")
    }
}
