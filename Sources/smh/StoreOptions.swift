import ArgumentParser
import Logging
import SMHStoreSQL

/// Where the data lives; shared by every subcommand so the CLI and the server work on the same data.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Folder for the SQLite database and the blobs.")
    var dataDir: String = "./smh-data"

    @Option(
        name: .long,
        help: "Metadata database: a postgres://user:password@host:port/db URL. Default: SQLite in the data folder.")
    var database: String?

    @Option(name: .long, help: "Read-only SQLite connections beside the writer (default: two per core).")
    var sqliteReaders: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    var location: StoreLocation {
        StoreLocation(
            dataDirectory: dataDir, databaseURL: database ?? Environment.value("SMH_DATABASE_URL"),
            sqliteReaders: sqliteReaders ?? SQLiteBackend.defaultReaders)
    }

    func validate() throws {
        if let sqliteReaders, !(1...256).contains(sqliteReaders) {
            throw ValidationError("--sqlite-readers must be 1 to 256.")
        }
    }

    func makeLogger(label: String = "smh") throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("Unknown log level '\(logLevel)'.")
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

enum Environment {
    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let value = String(cString: raw)
        return value.isEmpty ? nil : value
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
