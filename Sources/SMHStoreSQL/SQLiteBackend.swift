import Foundation
import Logging
import SQLKit

/// The embedded default: one SQLite file in the data directory, in WAL mode.
///
/// Reads go to a pool of read-only connections, each reading its own snapshot, so they neither wait for each other
/// nor for the writer. Writes go to the single write connection, which commits the transactions that wait together
/// with one fsync (`SQLiteWriter`) on a thread of its own. Reads run on the calling task with cached prepared
/// statements.
public final class SQLiteBackend: SQLBackend {
    public let dialect = SQLDialectKind.sqlite
    private let writer: SQLiteWriter
    private let readers: SQLiteReaderPool
    public var poolWaits: PoolWaits { readers.waits }
    private let logger: Logger

    /// Read connections when none is configured: about two per core, as reads are short and CPU-bound.
    public static var defaultReaders: Int { max(2, 2 * ProcessInfo.processInfo.activeProcessorCount) }

    public static func open(path: String, readers: Int = defaultReaders, logger: Logger) async throws
        -> SQLiteBackend
    {
        let handle = try SQLiteHandle(path: path, readOnly: false)
        // WAL: readers do not block the writer. FULL: a durable commit is on disk before we answer 200.
        try handle.exec("PRAGMA journal_mode=WAL")
        try handle.exec("PRAGMA synchronous=FULL")
        return SQLiteBackend(
            writer: SQLiteWriter(handle: handle, logger: logger),
            readers: SQLiteReaderPool(path: path, size: readers), logger: logger)
    }

    private init(writer: SQLiteWriter, readers: SQLiteReaderPool, logger: Logger) {
        self.writer = writer
        self.readers = readers
        self.logger = logger
    }

    public func withDatabase<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await readers.withReader { handle in
            try await body(SQLiteSQLDatabase(handle: handle, logger: logger))
        }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T)
        async throws -> T
    {
        try await writer.transaction(light: false, body)
    }

    /// In WAL mode `synchronous=NORMAL` commits without syncing the log; the next FULL commit syncs it all.
    public func lightTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T)
        async throws -> T
    {
        try await writer.transaction(light: true, body)
    }

    public func close() async {
        readers.close()
        await writer.close()
    }
}
