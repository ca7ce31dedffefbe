import NIOConcurrencyHelpers
import PostgresNIO

/// Reads outside transactions run as named prepared statements, so PostgreSQL plans each statement once per
/// connection instead of at every call: planning a point read of `nodes` (a dozen indexes to weigh) was half of the
/// server's CPU for `?info`, the executor 4 % (docs/BENCHMARKS.md, session 10).
///
/// postgres-nio keys prepared statements by a Swift type whose static `name` and `sql` it reads when a call starts;
/// the store's statements are built at run time, so `PreparedRead` reads both from a task-local set around each call.
/// A name stands for one SQL text with one list of bind types (PostgreSQL fixes a prepared statement's parameter
/// types when it parses it). At most `limit` such pairs get a name per backend, and every connection keeps the ones
/// it used: statements whose text varies without bound (an `IN` list of any length) cannot grow either side's
/// memory; beyond the limit they run unnamed, as before.
///
/// A schema change under a prepared `SELECT *` (another instance migrating) makes PostgreSQL refuse the statement
/// with SQLSTATE 0A000 ("cached plan must not change result type"), and postgres-nio would go on sending it: the
/// call then runs unnamed and every name is dropped, so the next calls prepare afresh under new names.
///
/// Only reads outside transactions are prepared: postgres-nio remembers a failed preparation on the connection for
/// good, and a preparation inside a transaction that an earlier error aborted would fail for that reason alone.
/// `prepared_statements=off` in the database URL turns this off (for poolers that do not carry named statements).
struct PreparedRead: PostgresPreparedStatement {
    typealias Row = PostgresRow

    struct Identity: Sendable {
        var name: String
        var sql: String
    }

    @TaskLocal static var identity = Identity(name: "", sql: "")

    static var name: String { identity.name }
    static var sql: String { identity.sql }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

/// A backend's statement names: one per SQL text and bind types, up to a limit.
final class PreparedStatementNames: Sendable {
    let limit: Int
    private struct State {
        var names: [String: String] = [:]
        var generation = 1
    }

    private let state = NIOLockedValueBox(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// The name of this statement, or nil once `limit` others have one.
    func name(sql: String, types: [PostgresDataType]) -> String? {
        var key = ""
        for type in types {
            key += String(type.rawValue)
            key += ","
        }
        key += sql
        return state.withLockedValue { state in
            if let name = state.names[key] { return name }
            guard state.names.count < limit else { return nil }
            let name = "smh_read_\(state.generation)_\(state.names.count + 1)"
            state.names[key] = name
            return name
        }
    }

    /// Forgets every name: statements prepared from now on get new ones.
    func renew() {
        state.withLockedValue { state in
            state.names.removeAll()
            state.generation += 1
        }
    }

    var count: Int { state.withLockedValue { $0.names.count } }
}
