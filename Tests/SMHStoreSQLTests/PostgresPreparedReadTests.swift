import Logging
import PostgresNIO
import SMHTestSupport
import SQLKit
import Testing

@testable import SMHStoreSQL

/// Reads outside transactions run as named prepared statements on PostgreSQL (`PreparedRead`).
@Suite struct PostgresPreparedReadTests {
    @Test func oneNamePerTextAndBindTypesUpToTheLimit() {
        let names = PreparedStatementNames(limit: 3)
        let first = names.name(sql: "SELECT $1", types: [.int8])
        #expect(first != nil)
        #expect(names.name(sql: "SELECT $1", types: [.int8]) == first)
        // PostgreSQL fixes parameter types at parse time: other types are another statement.
        let asText = names.name(sql: "SELECT $1", types: [.text])
        #expect(asText != nil && asText != first)
        let third = names.name(sql: "SELECT 2", types: [])
        #expect(third != nil)
        #expect(names.name(sql: "SELECT 3", types: []) == nil, "beyond the limit: unnamed")
        #expect(names.name(sql: "SELECT $1", types: [.int8]) == first, "named ones stay named")
        names.renew()
        let renewed = names.name(sql: "SELECT $1", types: [.int8])
        #expect(renewed != nil && renewed != first)
        #expect(names.count == 1)
    }

    /// Binary cells of the store's usual types decode without postgres-nio's generic decoders; any other pairing of
    /// type and column (or a NULL where none may be) is left to them (nil here), which decide and throw as before.
    @Test func binaryCellsOfTheUsualTypesDecodeDirectly() {
        func int8(_ value: Int64) -> ByteBuffer {
            var buffer = ByteBuffer()
            buffer.writeInteger(value)
            return buffer
        }
        func direct(_ bytes: ByteBuffer?, _ type: PostgresDataType, _ wanted: Any.Type) -> PostgresRowValues
            .DirectValue?
        {
            PostgresRowValues.UsualType(wanted).flatMap { PostgresRowValues.direct(bytes, type, as: $0) }
        }
        let text = ByteBuffer(string: "报告 1.bin")
        #expect(direct(text, .text, String.self) == .string("报告 1.bin"))
        #expect(direct(text, .varchar, String?.self) == .optionalString("报告 1.bin"))
        #expect(direct(nil, .text, String?.self) == .optionalString(nil), "NULL is nil for an optional")
        #expect(direct(nil, .text, String.self) == nil, "and left to the decoder otherwise")
        #expect(direct(text, .int8, String.self) == nil, "a text read of an int8 is not guessed")
        #expect(direct(int8(-5_000_000_000), .int8, Int64.self) == .int64(-5_000_000_000))
        #expect(direct(int8(42), .int8, Int.self) == .int(42))
        #expect(direct(int8(42), .int8, Int64?.self) == .optionalInt64(42))
        #expect(direct(nil, .int8, Int?.self) == .optionalInt(nil))
        #expect(direct(nil, .int8, Int64.self) == nil)
        var int4 = ByteBuffer()
        int4.writeInteger(Int32(-7))
        #expect(direct(int4, .int4, Int64.self) == .int64(-7), "int4 widens, sign kept")
        #expect(direct(int8(1), .int4, Int64.self) == nil, "a length that does not fit the type")
        #expect(direct(text, .int8, Int64.self) == nil)
        #expect(direct(ByteBuffer(bytes: [1]), .bool, Bool.self) == .bool(true))
        #expect(direct(ByteBuffer(bytes: [0]), .bool, Bool.self) == .bool(false))
        #expect(direct(int8(1), .int8, Double.self) == nil, "other types are not handled here")
    }

    @Test func theURLCanTurnThemOff() throws {
        #expect(try #require(PostgresURL("postgres://u@h/db")).preparedStatements)
        #expect(
            try #require(PostgresURL("postgres://u@h/db?sslmode=require&prepared_statements=off")).preparedStatements
                == false)
        #expect(try #require(PostgresURL("postgres://u@h/db?prepared_statements=0")).preparedStatements == false)
    }

    /// On one connection: a read is prepared once and reused, with the right answers for each bind type.
    @Test func readsArePreparedAndAnswerAsBefore() async throws {
        guard TestStore.postgresURL != nil else { return }
        try await withBackend(query: "") { backend in
            try await backend.withDatabase { db in
                for value in [Int64(41), 1, -5] {
                    let row = try #require(try await db.raw("SELECT CAST(\(bind: value) AS BIGINT) + 1 AS n").first())
                    #expect(try row.decode(column: "n", as: Int64.self) == value + 1)
                }
                let nothing: Int64? = nil
                let row = try #require(try await db.raw("SELECT CAST(\(bind: nothing) AS BIGINT) + 1 AS n").first())
                #expect(try row.decode(column: "n", as: Int64?.self) == nil)
                let text = try #require(try await db.raw("SELECT \(bind: "a'b") || 'c' AS t").first())
                #expect(try text.decode(column: "t", as: String.self) == "a'bc")
            }
            let prepared = try await preparedStatements(backend)
            // The same text twice: once with a BIGINT bind, once with a NULL one (a type PostgreSQL infers).
            #expect(prepared.filter { $0 == "SELECT CAST($1 AS BIGINT) + 1 AS n" }.count == 2)
            #expect(prepared.contains("SELECT $1 || 'c' AS t"))
        }
    }

    /// Another instance migrating changes a table under a prepared `SELECT *`: the read still answers, with the new
    /// columns, and later reads prepare the statement afresh.
    @Test func aSchemaChangeUnderAPreparedReadIsSurvived() async throws {
        guard TestStore.postgresURL != nil else { return }
        try await withBackend(query: "") { backend in
            try await backend.transaction { db in
                try await db.raw("CREATE TABLE prepared_probe (a BIGINT)").run()
                try await db.raw("INSERT INTO prepared_probe VALUES (7)").run()
            }
            let read: @Sendable (any SQLDatabase) async throws -> [String] = { db in
                try #require(try await db.raw("SELECT * FROM prepared_probe WHERE a = \(bind: Int64(7))").first())
                    .allColumns
            }
            #expect(try await backend.withDatabase(read) == ["a"])
            try await backend.transaction { db in
                try await db.raw("ALTER TABLE prepared_probe ADD COLUMN b TEXT").run()
            }
            #expect(try await backend.withDatabase(read) == ["a", "b"])
            #expect(try await backend.withDatabase(read) == ["a", "b"])
        }
    }

    /// A bind postgres-nio cannot encode by itself (a Codable value: PostgresKit makes it JSONB) still answers, through
    /// PostgresKit, from a read outside a transaction.
    @Test func bindsWithoutANativeEncodingGoThroughPostgresKit() async throws {
        guard TestStore.postgresURL != nil else { return }
        struct Probe: Codable, Sendable { let a: Int }
        try await withBackend(query: "") { backend in
            let answer = try await backend.withDatabase { db in
                try await db.raw("SELECT CAST(\(bind: Probe(a: 42)) AS JSONB) ->> 'a' AS a").first()?
                    .decode(column: "a", as: String.self)
            }
            #expect(answer == "42")
            #expect(try await preparedStatements(backend).isEmpty, "not prepared: postgres-nio has no type for it")
        }
    }

    @Test func offMeansUnnamed() async throws {
        guard TestStore.postgresURL != nil else { return }
        try await withBackend(query: "prepared_statements=off") { backend in
            try await backend.withDatabase { db in
                _ = try await db.raw("SELECT \(bind: Int64(1)) + 1 AS n").first()
            }
            #expect(try await preparedStatements(backend).isEmpty)
        }
    }

    /// The statements prepared on the backend's only connection.
    private func preparedStatements(_ backend: PostgresBackend) async throws -> [String] {
        try await backend.transaction { db in
            try await db.raw("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'smh_read_%'").all()
                .map { try $0.decode(column: "statement", as: String.self) }
        }
    }

    /// A backend with a single pooled connection on a fresh database, its pool running for the duration of `body`.
    private func withBackend(
        query: String, _ body: @Sendable @escaping (PostgresBackend) async throws -> Void
    ) async throws {
        try await TestStore.withLocation { location in
            var url = try #require(location.databaseURL)
            if !query.isEmpty { url += (url.contains("?") ? "&" : "?") + query }
            var logger = Logger(label: "smh-test")
            logger.logLevel = .warning
            let backend = try PostgresBackend(url: url, fixedPoolSize: 1, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await backend.client.run() }
                defer { group.cancelAll() }
                try await body(backend)
            }
        }
    }
}
