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
        "metrics-token", "tls-cert", "tls-key", "api-secret-id", "api-secret-key",
    ]
    static let serveSwitches = ["no-previews"]
    static let subcommands: Set<String> = ["serve", "migrate", "fsck", "library"]

    /// The `--config` file named on the command line, if any.
    static func configPath(_ arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "--" { return nil }
            if argument == "--config", index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix("--config=") { return String(argument.dropFirst("--config=".count)) }
        }
        return nil
    }

    static func variable(for flag: String) -> String {
        "SMH_" + flag.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    static func expand(_ arguments: [String], environment: [String: String]) throws -> [String] {
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
        var fromEnvironment: Set<String> = []
        for flag in values where !given.contains(flag) {
            if let value = environment[variable(for: flag)], !value.isEmpty {
                added += ["--\(flag)", value]
                fromEnvironment.insert(flag)
            }
        }
        for flag in switches where !given.contains(flag) {
            if let value = environment[variable(for: flag)]?.lowercased(), ["1", "true", "yes", "on"].contains(value) {
                added.append("--\(flag)")
            }
            if environment[variable(for: flag)] != nil { fromEnvironment.insert(flag) }
        }
        if let path = configPath(arguments) ?? environment["SMH_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            for (key, value) in try ConfigFile.read(path: path) {
                guard values.contains(key) || switches.contains(key) else {
                    throw ConfigFile.Invalid(
                        description: "--config: \(path): '\(key)' is not a setting of smh \(subcommand).")
                }
                if given.contains(key) || fromEnvironment.contains(key) { continue }
                switch value {
                case .text(let text) where values.contains(key): added += ["--\(key)", text]
                case .flag(let on) where switches.contains(key): if on { added.append("--\(key)") }
                default:
                    throw ConfigFile.Invalid(
                        description:
                            "--config: \(path): '\(key)' takes \(switches.contains(key) ? "true or false" : "a value")."
                    )
                }
            }
        }
        // Before a `--` terminator if there is one, so they stay flags.
        if let terminator = arguments.firstIndex(of: "--") {
            return Array(arguments[..<terminator]) + added + Array(arguments[terminator...])
        }
        return arguments + added
    }
}
