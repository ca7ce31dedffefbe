import SMHCore

/// The parts of a `postgres://` URL, parsed without Foundation's URL so that odd passwords survive.
struct PostgresURL: Sendable {
    var user: String
    var password: String?
    var host: String
    var port: Int
    var database: String?
    var requireTLS: Bool
    /// `prepared_statements=off`: every statement unnamed (see `PreparedRead`).
    var preparedStatements: Bool

    struct Invalid: Error, CustomStringConvertible {
        let url: String
        var description: String { "Not a PostgreSQL URL (postgres://user:password@host:port/database): \(url)" }
    }

    init?(_ url: String) {
        var rest: Substring
        if url.hasPrefix("postgres://") {
            rest = url.dropFirst("postgres://".count)
        } else if url.hasPrefix("postgresql://") {
            rest = url.dropFirst("postgresql://".count)
        } else {
            return nil
        }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var authority = rest
        database = nil
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let name = rest[rest.index(after: slash)...]
            database = name.isEmpty ? nil : Self.decoded(name)
        }
        user = "postgres"
        password = nil
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = Self.decoded(credentials[..<colon])
                password = Self.decoded(credentials[credentials.index(after: colon)...])
            } else {
                user = Self.decoded(credentials)
            }
        }
        port = 5432
        host = String(hostPort)
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            guard let number = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(number) else {
                return nil
            }
            port = number
            host = String(hostPort[..<colon])
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "127.0.0.1" }
        let options = query.split(separator: "&")
        requireTLS = options.contains { $0 == "sslmode=require" || $0 == "sslmode=verify-full" }
        preparedStatements = !options.contains { ["prepared_statements=off", "prepared_statements=0"].contains($0) }
    }

    private static func decoded(_ text: Substring) -> String {
        PercentDecoding.decode(text) ?? String(text)
    }

    /// The URL with its password replaced, for error messages and logs.
    static func redacted(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://") else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return url[..<url.index(after: colon)] + "***" + url[at...]
    }
}
