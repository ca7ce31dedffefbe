import Foundation
import Logging
import PostgresNIO
import SMHCore
import SMHStoreSQL

/// A fresh, migrated metadata store for one test: a SQLite file in a new temp folder by default, or a new
/// PostgreSQL database when `SMH_TEST_POSTGRES_URL` names a server (as `.ci/run` sets it for the second pass).
public enum TestStore {
    public static var postgresURL: String? {
        let value = ProcessInfo.processInfo.environment["SMH_TEST_POSTGRES_URL"]
        return value?.isEmpty == false ? value : nil
    }

    public static var backendName: String { postgresURL == nil ? "sqlite" : "postgres" }

    static let logger: Logger = {
        var logger = Logger(label: "smh-test")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` with a store and a data folder of its own; both are gone afterwards.
    public static func with<T: Sendable>(
        _ body: @Sendable (SQLStore, _ dataDirectory: String) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        guard let postgresURL else {
            return try await StoreLocation(dataDirectory: directory).withStore(logger: logger) { store in
                try await body(store, directory)
            }
        }
        let database = "smh_test_" + RandomToken.alphanumeric(count: 12)
        try await adminQuery(postgresURL, "CREATE DATABASE \(database)")
        do {
            let location = StoreLocation(
                dataDirectory: directory, databaseURL: replacingDatabase(in: postgresURL, with: database))
            let result = try await location.withStore(logger: logger) { store in try await body(store, directory) }
            try await adminQuery(postgresURL, "DROP DATABASE \(database) WITH (FORCE)")
            return result
        } catch {
            try? await adminQuery(postgresURL, "DROP DATABASE \(database) WITH (FORCE)")
            throw error
        }
    }

    /// A store location (data folder + database) that outlives one open, for tests that restart on the same data.
    public static func withLocation<T: Sendable>(_ body: @Sendable (StoreLocation) async throws -> T) async throws -> T
    {
        let directory = try TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        guard let postgresURL else {
            return try await body(StoreLocation(dataDirectory: directory))
        }
        let database = "smh_test_" + RandomToken.alphanumeric(count: 12)
        try await adminQuery(postgresURL, "CREATE DATABASE \(database)")
        do {
            let result = try await body(
                StoreLocation(dataDirectory: directory, databaseURL: replacingDatabase(in: postgresURL, with: database))
            )
            try await adminQuery(postgresURL, "DROP DATABASE \(database) WITH (FORCE)")
            return result
        } catch {
            try? await adminQuery(postgresURL, "DROP DATABASE \(database) WITH (FORCE)")
            throw error
        }
    }

    static func adminQuery(_ url: String, _ sql: String) async throws {
        let backend = try PostgresBackend(url: url, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await backend.client.run() }
            defer { group.cancelAll() }
            try await backend.client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    static func replacingDatabase(in url: String, with database: String) -> String {
        var base = url
        var query = ""
        if let mark = base.firstIndex(of: "?") {
            query = String(base[mark...])
            base = String(base[..<mark])
        }
        let schemeEnd = base.range(of: "://")!.upperBound
        if let slash = base[schemeEnd...].firstIndex(of: "/") {
            base = String(base[..<slash])
        }
        return base + "/" + database + query
    }
}

public enum TemporaryDirectory {
    public static func make() throws -> String {
        let path = NSTemporaryDirectory() + "smh-test-" + RandomToken.alphanumeric(count: 12)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    public static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
