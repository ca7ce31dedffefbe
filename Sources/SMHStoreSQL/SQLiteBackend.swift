import Logging
import SQLKit
import SQLiteKit

/// The embedded default: one SQLite file in the data directory, WAL mode.
///
/// One connection, serialised by a lock: SQLite allows one writer anyway, and serialising reads with writes keeps a
/// statement from landing inside another task's transaction. A pool of read connections can come later without
/// changing callers.
public final class SQLiteBackend: SQLBackend {
    public let dialect = SQLDialectKind.sqlite
    private let connection: SQLiteConnection
    private let lock = SerialLock()
    private let logger: Logger

    public static func open(path: String, logger: Logger) async throws -> SQLiteBackend {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let backend = SQLiteBackend(connection: connection, logger: logger)
        let db = connection.sql()
        // WAL: readers do not block the writer. FULL: a commit is on disk before we answer 200 (nothing lost).
        try await db.raw("PRAGMA journal_mode=WAL").run()
        try await db.raw("PRAGMA synchronous=FULL").run()
        try await db.raw("PRAGMA busy_timeout=10000").run()
        try await db.raw("PRAGMA foreign_keys=ON").run()
        return backend
    }

    private init(connection: SQLiteConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    public func withDatabase<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let db = connection.sql()
        return try await lock.withLock { try await body(db) }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await lock.withLock { try await unlockedTransaction(body) }
    }

    /// In WAL mode `synchronous=NORMAL` commits without syncing the log; the next FULL commit syncs it all.
    public func lightTransaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws
        -> T
    {
        let db = connection.sql()
        return try await lock.withLock {
            try await db.raw("PRAGMA synchronous=NORMAL").run()
            do {
                let result = try await unlockedTransaction(body)
                try await db.raw("PRAGMA synchronous=FULL").run()
                return result
            } catch {
                try? await db.raw("PRAGMA synchronous=FULL").run()
                throw error
            }
        }
    }

    private func unlockedTransaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws
        -> T
    {
        let db = connection.sql()
        // IMMEDIATE takes the write lock up front, so a second process gets SQLITE_BUSY (and waits) at BEGIN rather
        // than failing at its first write halfway through.
        try await db.raw("BEGIN IMMEDIATE").run()
        do {
            let result = try await body(db)
            try await db.raw("COMMIT").run()
            return result
        } catch {
            do {
                try await db.raw("ROLLBACK").run()
            } catch let rollbackError {
                logger.error("rollback failed", metadata: ["error": "\(String(reflecting: rollbackError))"])
            }
            throw error
        }
    }

    public func close() async {
        try? await connection.close()
    }
}
