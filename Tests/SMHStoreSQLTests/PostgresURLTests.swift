import PostgresNIO
import Testing

@testable import SMHStoreSQL

@Suite struct PostgresURLTests {
    @Test func parsesEveryPart() throws {
        let url = try #require(PostgresURL("postgres://smh:p%40ss:w@db.local:6543/media?sslmode=require"))
        #expect(url.user == "smh")
        #expect(url.password == "p@ss:w")
        #expect(url.host == "db.local")
        #expect(url.port == 6543)
        #expect(url.database == "media")
        #expect(url.requireTLS)
    }

    @Test func defaultsAndIPv6() throws {
        let url = try #require(PostgresURL("postgresql://[::1]/x"))
        #expect(url.host == "::1")
        #expect(url.port == 5432)
        #expect(url.user == "postgres")
        #expect(url.password == nil)
        #expect(!url.requireTLS)
    }

    @Test func refusesOtherSchemesAndBadPorts() {
        #expect(PostgresURL("mysql://a@b/c") == nil)
        #expect(PostgresURL("postgres://a@b:notaport/c") == nil)
        #expect(PostgresURL("postgres://a@b:70000/c") == nil)
    }

    @Test func redactionHidesThePassword() {
        #expect(PostgresURL.redacted("postgres://u:secret@h/db") == "postgres://u:***@h/db")
        #expect(PostgresURL.redacted("postgres://u@h/db") == "postgres://u@h/db")
    }

    /// `smh serve` keeps a fixed pool without keep-alive pings: postgres-nio's idle and keep-alive timers otherwise
    /// pile up as sleeping tasks, ~1.5 KB of memory per request (docs/BENCHMARKS.md).
    @Test func serverPoolIsFixedAndUnpinged() throws {
        let fixed = try PostgresBackend.configuration(url: "postgres://u:p@127.0.0.1/db", fixedPoolSize: 7)
        #expect(fixed.options.minimumConnections == 7)
        #expect(fixed.options.maximumConnections == 7)
        #expect(fixed.options.keepAliveBehavior == nil)
        let onDemand = try PostgresBackend.configuration(url: "postgres://u:p@127.0.0.1/db")
        #expect(onDemand.options.minimumConnections == 0)
    }
}
