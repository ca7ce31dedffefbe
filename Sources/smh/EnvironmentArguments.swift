/// Every flag can also come from the environment, as operators of containers and units expect: `SMH_<FLAG>` in upper
/// snake case (`--port` ← `SMH_PORT`, `--data-dir` ← `SMH_DATA_DIR`, `--no-previews` ← `SMH_NO_PREVIEWS=1`). A flag
/// on the command line wins over its variable. The variables become ordinary arguments before parsing, so they are
/// validated exactly like flags (and errors name the flag).
enum EnvironmentArguments {
    /// Flags taken by every subcommand that touches the data (`StoreOptions`), then `serve`'s own.
    static let storage = [
        "data-dir", "database", "blob-store", "s3-endpoint", "s3-region", "sqlite-readers", "log-level", "log-format",
    ]
    static let storageSwitches = ["s3-presigned-downloads"]
    static let serve = [
        "host", "port", "admin-key", "public-url", "upload-expiry-hours", "sweep-interval", "batch-sync-max-items",
        "database-pool-size", "blob-grace-minutes", "media-tools", "media-workers", "media-timeout",
        "media-memory-mib", "max-image-pixels", "pregenerate-thumbnails", "startup-timeout", "shutdown-timeout",
        "metrics-token", "tls-cert", "tls-key",
    ]
    static let serveSwitches = ["no-previews"]
    static let subcommands: Set<String> = ["serve", "migrate", "fsck", "library"]

    static func variable(for flag: String) -> String {
        "SMH_" + flag.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    static func expand(_ arguments: [String], environment: [String: String]) -> [String] {
        guard let subcommand = arguments.first, subcommands.contains(subcommand) else { return arguments }
        let given = Set(
            arguments.compactMap { $0.hasPrefix("--") ? String($0.dropFirst(2).split(separator: "=")[0]) : nil })
        var values = storage
        var switches = storageSwitches
        if subcommand == "serve" {
            values += serve
            switches += serveSwitches
        }
        var added: [String] = []
        for flag in values where !given.contains(flag) {
            if let value = environment[variable(for: flag)], !value.isEmpty { added += ["--\(flag)", value] }
        }
        for flag in switches where !given.contains(flag) {
            if let value = environment[variable(for: flag)]?.lowercased(), ["1", "true", "yes", "on"].contains(value) {
                added.append("--\(flag)")
            }
        }
        // Before a `--` terminator if there is one, so they stay flags.
        if let terminator = arguments.firstIndex(of: "--") {
            return Array(arguments[..<terminator]) + added + Array(arguments[terminator...])
        }
        return arguments + added
    }
}
