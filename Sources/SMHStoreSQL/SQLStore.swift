import Logging
import SMHCore
import SQLKit

/// The metadata store: one portable SQL implementation of the core's store protocols over either backend.
public struct SQLStore: Sendable {
    public let backend: any SQLBackend
    let logger: Logger
    /// Searches whose keywords match at most this many names (over all spaces) look the matches up and sort them;
    /// beyond, they walk an order index of the space (see `SearchSQL`).
    public var searchLookupLimit = 5000
    /// Libraries, tokens and spaces as the access check reads them (see `LookupCache`).
    let cache: LookupCache
    /// Child counts of directories, keyed by their `updated_at` (see `ChildCountCache`).
    let childCountCache = ChildCountCache()

    public init(backend: any SQLBackend, logger: Logger) {
        self.backend = backend
        self.logger = logger
        self.cache = LookupCache()
    }

    public var dialect: SQLDialectKind { backend.dialect }
    public var poolWaits: PoolWaits { backend.poolWaits }

    /// Runs `body` in one transaction (see `SQLBackend.transaction`).
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws
        -> T
    {
        try await backend.transaction(body)
    }

    /// Runs `body` in one transaction whose commit may be lost in a crash (see `SQLBackend.lightTransaction`).
    public func lightTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T)
        async throws
        -> T
    {
        try await backend.lightTransaction(body)
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await backend.withDatabase(body)
    }

    /// Applies the migrations this database has not seen, in order, all in one transaction. Safe to run at every
    /// start and from several processes at once: PostgreSQL serialises on an advisory lock, SQLite on BEGIN IMMEDIATE.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let schema = Schema(dialect: dialect)
        return try await transaction { db in
            if schema.dialect == .postgres {
                try await db.raw("SELECT pg_advisory_xact_lock(7316531)").run()
            }
            try await db.raw(
                """
                CREATE TABLE IF NOT EXISTS smh_migrations (
                    id BIGINT PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at BIGINT NOT NULL
                )
                """
            ).run()
            let applied = Set(
                try await db.raw("SELECT id FROM smh_migrations").all().map {
                    try $0.decode(column: "id", as: Int.self)
                })
            // A database migrated by a newer smh: this binary does not know its schema and must not write to it.
            let known = Set(Migrations.all.map(\.id))
            if let newest = applied.subtracting(known).max() {
                throw SchemaTooNew(databaseMigration: newest, knownMigration: known.max() ?? 0)
            }
            var newlyApplied: [Int] = []
            for migration in Migrations.all where !applied.contains(migration.id) {
                for statement in migration.statements(schema) {
                    try await db.raw("\(unsafeRaw: statement)").run()
                }
                try await db.raw(
                    "INSERT INTO smh_migrations (id, name, applied_at) VALUES (\(bind: migration.id), \(bind: migration.name), \(bind: SystemClock().now().milliseconds))"
                ).run()
                newlyApplied.append(migration.id)
            }
            return newlyApplied
        }
    }

    /// Raised by `migrate()` when the database carries migrations this build does not know (an older binary started
    /// on data an upgrade already migrated): restore the backup taken before the upgrade, or run the newer binary.
    public struct SchemaTooNew: Error, CustomStringConvertible {
        public let databaseMigration: Int
        public let knownMigration: Int
        public var description: String {
            "the database schema is newer (migration \(databaseMigration)) than this smh knows (up to "
                + "\(knownMigration)): run the newer smh, or restore the backup taken before the upgrade"
        }
    }

    /// The ids of the migrations recorded as applied, in order.
    public func appliedMigrations() async throws -> [Int] {
        try await read { db in
            try await db.raw("SELECT id FROM smh_migrations ORDER BY id").all().map {
                try $0.decode(column: "id", as: Int.self)
            }
        }
    }

    public func close() async {
        await backend.close()
    }
}
