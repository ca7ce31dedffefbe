import Foundation
import Logging
import PostgresNIO
import SMHCore
import ServiceLifecycle

/// Where the metadata lives: SQLite in the data directory (the embedded default) or a PostgreSQL URL.
public struct StoreLocation: Sendable {
    public var dataDirectory: String
    public var databaseURL: String?
    /// Size of the SQLite read pool (see `SQLiteBackend`).
    public var sqliteReaders: Int
    /// PostgreSQL: a fixed pool of this many connections (`smh serve`); nil opens them on demand.
    public var databasePoolSize: Int?

    public init(
        dataDirectory: String, databaseURL: String? = nil, sqliteReaders: Int = SQLiteBackend.defaultReaders,
        databasePoolSize: Int? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.sqliteReaders = sqliteReaders
        self.databasePoolSize = databasePoolSize
    }

    public var sqlitePath: String { dataDirectory + "/smh.sqlite" }

    /// Opens the store. With PostgreSQL the returned service (the connection pool) must run for queries to proceed;
    /// `smh serve` hands it to its service group, one-shot commands use `withStore`.
    public func open(logger: Logger) async throws -> (store: SQLStore, service: (any Service)?) {
        if let databaseURL, !databaseURL.isEmpty, databaseURL != "sqlite" {
            let backend = try PostgresBackend(url: databaseURL, fixedPoolSize: databasePoolSize, logger: logger)
            return (SQLStore(backend: backend, logger: logger), backend.client)
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let backend = try await SQLiteBackend.open(path: sqlitePath, readers: sqliteReaders, logger: logger)
        return (SQLStore(backend: backend, logger: logger), nil)
    }

    /// Opens, migrates, runs `body`, and closes: for the CLI and tests.
    public func withStore<T: Sendable>(
        logger: Logger, _ body: @Sendable (SQLStore) async throws -> T
    ) async throws -> T {
        let (store, service) = try await open(logger: logger)
        do {
            let result = try await Self.run(store, service: service, body)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    private static func run<T: Sendable>(
        _ store: SQLStore, service: (any Service)?, _ body: @Sendable (SQLStore) async throws -> T
    ) async throws -> T {
        guard let service else {
            try await store.migrate()
            return try await body(store)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            return try await body(store)
        }
    }
}
