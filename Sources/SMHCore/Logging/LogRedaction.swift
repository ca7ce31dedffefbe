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
        return path
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
