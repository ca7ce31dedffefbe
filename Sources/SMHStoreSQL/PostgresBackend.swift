import Logging
import PostgresKit
import PostgresNIO
import SQLKit
import ServiceLifecycle

/// PostgreSQL through postgres-nio's `PostgresClient`, whose pool runs as a lifecycle service (`client.run()`).
public final class PostgresBackend: SQLBackend {
    public let dialect = SQLDialectKind.postgres
    public let client: PostgresClient
    private let logger: Logger

    /// `url` is `postgres://user:password@host:port/database` (`postgresql://` too); `sslmode=disable` is implied
    /// unless `sslmode=require` is given.
    public init(url: String, logger: Logger) throws {
        let configuration = try Self.configuration(url: url)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let parsed = PostgresURL(url) else {
            throw PostgresURL.Invalid(url: PostgresURL.redacted(url))
        }
        return PostgresClient.Configuration(
            host: parsed.host, port: parsed.port, username: parsed.user, password: parsed.password,
            database: parsed.database, tls: parsed.requireTLS ? .require(.makeClientConfiguration()) : .disable)
    }

    public func withDatabase<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await body(connection.sql(queryLogLevel: nil, logger: logger))
        }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws
        -> T
    {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(connection.sql(queryLogLevel: nil, logger: logger))
            }
        } catch let error as PostgresTransactionError {
            // Callers throw domain errors (SMHError) out of transactions; they must arrive unwrapped, as on SQLite.
            if let closureError = error.closureError, error.rollbackError == nil { throw closureError }
            throw error
        }
    }

    public func lightTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T)
        async throws
        -> T
    {
        try await transaction { db in
            try await db.raw("SET LOCAL synchronous_commit TO OFF").run()
            return try await body(db)
        }
    }

    public func close() async {}
}
