import ArgumentParser
import Logging
import SMHBlobLocal
import SMHBlobS3
import SMHCore
import SMHStoreSQL

/// Where the data lives; shared by every subcommand so the CLI and the server work on the same data.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "TOML (or .json) file of settings named as the flags (port = 8080); flags and SMH_* variables win over it."
    )
    var config: String?

    @Option(name: .long, help: "Folder for the SQLite database and the blobs.")
    var dataDir: String = "./smh-data"

    @Option(
        name: .long,
        help: "Metadata database: a postgres://user:password@host:port/db URL. Default: SQLite in the data folder.")
    var database: String?

    @Option(
        name: .long,
        help: "Where blobs live: `file` (the data folder) or s3://BUCKET[/PREFIX]. Env: SMH_BLOB_STORE. Default: file.")
    var blobStore: String?

    @Option(
        name: .long,
        help: "S3-compatible endpoint, http(s)://host[:port] (path-style requests). Env: SMH_S3_ENDPOINT. Default: AWS."
    )
    var s3Endpoint: String?

    @Option(name: .long, help: "S3 region. Env: SMH_S3_REGION. Default: us-east-1.")
    var s3Region: String?

    @Flag(
        name: .long,
        help:
            "Downloads redirect to presigned URLs of the bucket instead of streaming through the server (clients must reach the bucket). Env: SMH_S3_PRESIGNED_DOWNLOADS=1."
    )
    var s3PresignedDownloads = false

    @Option(name: .long, help: "Read-only SQLite connections beside the writer (default: two per core).")
    var sqliteReaders: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(name: .long, help: "Log lines as text (default) or json (one object per line on standard error).")
    var logFormat: String = "text"

    var location: StoreLocation {
        StoreLocation(
            dataDirectory: dataDir, databaseURL: database ?? Environment.value("SMH_DATABASE_URL"),
            sqliteReaders: sqliteReaders ?? SQLiteBackend.defaultReaders)
    }

    /// The blob store the options name (`blobLocation` nil: the local data folder).
    var blobLocation: S3Location? {
        get throws {
            let store = blobStore ?? Environment.value("SMH_BLOB_STORE") ?? "file"
            if store == "file" { return nil }
            do {
                return try S3Location(
                    blobStore: store, endpoint: s3Endpoint ?? Environment.value("SMH_S3_ENDPOINT"),
                    region: s3Region ?? Environment.value("SMH_S3_REGION") ?? "us-east-1")
            } catch {
                throw ValidationError("--blob-store: \(error.message)")
            }
        }
    }

    func validate() throws {
        guard LogFormat(rawValue: logFormat) != nil else {
            throw ValidationError("--log-format is text or json (got \(logFormat)).")
        }
        if try blobLocation != nil,
            Environment.value("AWS_ACCESS_KEY_ID") == nil || Environment.value("AWS_SECRET_ACCESS_KEY") == nil
        {
            throw ValidationError(
                "--blob-store s3://… takes credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
        }
        if let sqliteReaders, !(1...256).contains(sqliteReaders) {
            throw ValidationError("--sqlite-readers must be 1 to 256.")
        }
    }

    func makeLogger(label: String = "smh") throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("Unknown log level '\(logLevel)'.")
        }
        guard let format = LogFormat(rawValue: logFormat) else {
            throw ValidationError("--log-format is text or json (got \(logFormat)).")
        }
        format.install()
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

extension StoreOptions {
    /// Opens where bytes live: the data folder, or a bucket (checked, and created when missing) with the standard AWS
    /// credentials from the environment, renditions beside the blobs. The one place that knows which
    /// implementations exist.
    func openStorage(logger: Logger, startupTimeout: Int = 30) async throws -> (
        blobs: any BlobStore, renditions: any RenditionStore
    ) {
        guard let s3 = try blobLocation else {
            return (try LocalBlobStore(root: location.dataDirectory), LocalRenditionStore(root: location.dataDirectory))
        }
        let client = S3Client(
            location: s3,
            credentials: S3Credentials(
                accessKeyId: Environment.value("AWS_ACCESS_KEY_ID") ?? "",
                secretAccessKey: Environment.value("AWS_SECRET_ACCESS_KEY") ?? "",
                sessionToken: Environment.value("AWS_SESSION_TOKEN")),
            logger: logger)
        try await StartupRetry.run("the bucket \(s3.display)", seconds: startupTimeout, logger: logger) {
            do {
                try await client.ensureBucket()
            } catch let error as S3Error where error.isAuthenticationFailure {
                // Not worth waiting for: say so at once.
                throw StartupFailure("S3 refused the credentials for \(s3.display): \(error.code)")
            }
        }
        logger.info("blob store ready", metadata: ["location": .string(s3.display)])
        let presigned = s3PresignedDownloads || Environment.value("SMH_S3_PRESIGNED_DOWNLOADS") == "1"
        return (S3BlobStore(client: client, presignedDownloads: presigned), S3RenditionStore(client: client))
    }
}

/// A start-up failure said in one line (no stack of nested errors).
struct StartupFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
