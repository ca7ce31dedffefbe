import SQLKit

/// The two SQL engines OpenSMH runs on. Dialect branches in SQL text are few and go through this value.
public enum SQLDialectKind: String, Sendable {
    case sqlite
    case postgres
}

/// A connection source with a transaction primitive; everything above it is one portable SQL code path.
public protocol SQLBackend: Sendable {
    var dialect: SQLDialectKind { get }
    /// Runs `body` on one connection in autocommit mode.
    func withDatabase<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` inside one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// A transaction whose commit need not reach the disk before it returns (it is still atomic, and ordered before
    /// every later durable commit): for state that may be lost in a crash, such as a search's position.
    func lightTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws
        -> T
    func close() async
    /// Requests that had to wait for a connection.
    var poolWaits: PoolWaits { get }
}
