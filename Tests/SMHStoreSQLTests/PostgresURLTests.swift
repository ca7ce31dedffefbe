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
}
