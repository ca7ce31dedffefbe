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
    /// Leases that took over a millisecond: an idle pooled connection is handed over in microseconds, so these waited
    /// for one to be returned (or opened).
    public let poolWaits = PoolWaits()

    /// `url` is `postgres://user:password@host:port/database` (`postgresql://` too); `sslmode=disable` is implied
    /// unless `sslmode=require` is given.
    /// With `fixedPoolSize`, the pool opens that many connections, keeps them and pings none (see
    /// `configuration(url:fixedPoolSize:)`); without, connections open on demand (one-shot commands, tests).
    public init(url: String, fixedPoolSize: Int? = nil, logger: Logger) throws {
        let configuration = try Self.configuration(url: url, fixedPoolSize: fixedPoolSize)
        self.client = PostgresClient(
            configuration: configuration, eventLoopGroup: SpreadEventLoopGroup(), backgroundLogger: logger)
        self.logger = logger
        let prepares = PostgresURL(url)?.preparedStatements ?? true
        self.preparedNames = prepares ? PreparedStatementNames(limit: 256) : nil
    }

    /// Reads outside transactions run as named prepared statements (`PreparedRead`) unless the URL says
    /// `prepared_statements=off`.
    let preparedNames: PreparedStatementNames?

    /// A long-running server asks for a fixed pool: postgres-nio's pool starts a timer task each time a connection
    /// above the minimum falls idle (idle timeout, 60 s) and each time one is released (keep-alive, 30 s), and a
    /// timer lives until its time is up even when the connection is reused at once. At thousands of requests a
    /// second that was tens of thousands of sleeping tasks, ~1.5 KB a request of memory (docs/BENCHMARKS.md). With
    /// the minimum at the maximum no connection is ever "above the minimum", and without keep-alive no ping timer
    /// exists; a connection that died meanwhile fails its next query, and the pool replaces it.
    static func configuration(url: String, fixedPoolSize: Int? = nil) throws -> PostgresClient.Configuration {
        guard let parsed = PostgresURL(url) else {
            throw PostgresURL.Invalid(url: PostgresURL.redacted(url))
        }
        var configuration = PostgresClient.Configuration(
            host: parsed.host, port: parsed.port, username: parsed.user, password: parsed.password,
            database: parsed.database, tls: parsed.requireTLS ? .require(.makeClientConfiguration()) : .disable)
        if let fixedPoolSize {
            configuration.options.maximumConnections = fixedPoolSize
            configuration.options.minimumConnections = fixedPoolSize
            configuration.options.keepAliveBehavior = nil
        }
        return configuration
    }

    public func withDatabase<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let asked = ContinuousClock.now
        return try await client.withConnection { connection in
            noteLease(since: asked)
            return try await body(
                PostgresConnectionSQL(connection: connection, logger: logger, preparedNames: preparedNames))
        }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws
        -> T
    {
        do {
            let asked = ContinuousClock.now
            return try await client.withConnection { connection in
                noteLease(since: asked)
                return try await connection.withTransaction(logger: logger) { connection in
                    try await body(PostgresConnectionSQL(connection: connection, logger: logger))
                }
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

    private func noteLease(since asked: ContinuousClock.Instant) {
        let waited = ContinuousClock.now - asked
        if waited > .milliseconds(1) { poolWaits.record(waited) }
    }

    public func close() async {}
}
