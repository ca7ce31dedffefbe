import Foundation
import Logging
import SMHCore
import SMHStoreSQL
import SMHTestSupport
import SQLKit
import Testing

struct Refused: Error {}

/// Transactions under concurrency (issue 12): on SQLite the writer commits waiting transactions together, each in a
/// savepoint of its own; whatever shares a commit, every transaction must keep its own all-or-nothing outcome.
@Suite struct TransactionTests {
    @Test func concurrentTransactionsKeepTheirOwnOutcome() async throws {
        try await TestStore.with { store, _ async throws in
            try await store.transaction { db in
                try await db.raw("CREATE TABLE tx_probe (id BIGINT PRIMARY KEY, note TEXT NOT NULL)").run()
            }
            // 200 at once: every fifth writes and then throws, every seventh collides with row 0 (a SQL error
            // after an earlier write of its own), the rest commit and return a value computed inside.
            try await store.transaction { db in
                try await db.raw("INSERT INTO tx_probe (id, note) VALUES (0, 'seed')").run()
            }
            let outcomes = try await withThrowingTaskGroup(of: (Int, Int64?).self) { group in
                for index in 1...200 {
                    group.addTask {
                        do {
                            let value = try await store.transaction { db -> Int64 in
                                try await db.raw(
                                    "INSERT INTO tx_probe (id, note) VALUES (\(bind: Int64(index)), 'kept')"
                                ).run()
                                if index % 5 == 0 { throw Refused() }
                                if index % 7 == 0 {
                                    try await db.raw("INSERT INTO tx_probe (id, note) VALUES (0, 'clash')").run()
                                }
                                let row = try await db.raw(
                                    "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM tx_probe WHERE id = \(bind: Int64(index))"
                                ).first()
                                return try row!.decode(column: "n", as: Int64.self) * Int64(index)
                            }
                            return (index, value)
                        } catch {
                            return (index, nil)
                        }
                    }
                }
                var outcomes: [Int: Int64?] = [:]
                for try await (index, value) in group { outcomes[index] = value }
                return outcomes
            }
            let expected = Set((1...200).filter { $0 % 5 != 0 && $0 % 7 != 0 })
            #expect(Set(outcomes.filter { $0.value != nil }.keys) == expected)
            for index in expected { #expect(outcomes[index] == Int64(index), "the body's own result") }
            // Read through the read path (another connection on SQLite): exactly the committed rows, at once.
            let stored = try await store.read { db in
                try await db.raw("SELECT id FROM tx_probe WHERE id > 0 ORDER BY id").all().map {
                    try $0.decode(column: "id", as: Int.self)
                }
            }
            #expect(stored == expected.sorted())
        }
    }

    @Test func lightTransactionsAreVisibleAndOrdered() async throws {
        try await TestStore.with { store, _ async throws in
            try await store.transaction { db in
                try await db.raw("CREATE TABLE tx_light (id BIGINT PRIMARY KEY)").run()
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 1...50 {
                    group.addTask {
                        let insert: @Sendable (any SQLDatabase) async throws -> Void = { db in
                            try await db.raw("INSERT INTO tx_light (id) VALUES (\(bind: Int64(index)))").run()
                        }
                        if index.isMultiple(of: 2) {
                            try await store.lightTransaction(insert)
                        } else {
                            try await store.transaction(insert)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let count = try await store.read { db in
                try await db.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM tx_light").first()!.decode(
                    column: "n", as: Int.self)
            }
            #expect(count == 50)
        }
    }

    /// SQLite's read pool: never more readers at once than its size, every read served (the others wait their turn),
    /// each seeing what was committed before it began.
    @Test func readsBeyondThePoolSizeWaitForAReader() async throws {
        guard TestStore.postgresURL == nil else { return }
        let directory = try TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        try await StoreLocation(dataDirectory: directory, sqliteReaders: 2).withStore(logger: logger) { store in
            try await store.transaction { db in
                try await db.raw("CREATE TABLE pool_probe (id BIGINT PRIMARY KEY)").run()
                try await db.raw("INSERT INTO pool_probe (id) VALUES (1), (2), (3)").run()
            }
            let gauge = Gauge()
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await store.read { db in
                            gauge.enter()
                            defer { gauge.leave() }
                            try await Task.sleep(for: .milliseconds(5))
                            return try await db.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM pool_probe").first()!
                                .decode(column: "n", as: Int.self)
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(counts == Array(repeating: 3, count: 20))
            #expect(gauge.peak == 2, "both readers were used, and never a third")
            // A reader refuses to write: reads and writes go to different connections.
            await #expect(throws: (any Error).self) {
                try await store.read { db in try await db.raw("INSERT INTO pool_probe (id) VALUES (9)").run() }
            }
        }
    }
}

/// Counts the bodies running at once.
final class Gauge: @unchecked Sendable {
    private let lock = NSLock()
    private var running = 0
    private(set) var peak = 0

    func enter() {
        lock.withLock {
            running += 1
            peak = max(peak, running)
        }
    }

    func leave() { lock.withLock { running -= 1 } }

    /// A store closed while writes are still queued (a background flush racing shutdown): each write commits or
    /// fails with an error; none meets a closed connection.
    @Test func closingWhileWritesAreQueuedIsSafe() async throws {
        let directory = try TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let location = StoreLocation(dataDirectory: directory)
        let (store, _) = try await location.open(logger: Logger(label: "close-test"))
        _ = try await store.migrate()
        try await store.transaction { db in try await db.raw("CREATE TABLE close_probe (id BIGINT)").run() }
        let writes = (0..<40).map { index in
            Task {
                try await store.transaction { db in
                    try await db.raw("INSERT INTO close_probe (id) VALUES (\(bind: Int64(index)))").run()
                    try await Task.sleep(nanoseconds: 200_000)
                }
            }
        }
        try await Task.sleep(nanoseconds: 1_000_000)
        await store.close()
        var committed = 0
        var refused = 0
        for write in writes {
            switch await write.result {
            case .success: committed += 1
            case .failure: refused += 1
            }
        }
        #expect(committed + refused == 40)
        await #expect(throws: SMHError.self) {
            try await store.transaction { db in try await db.raw("SELECT 1").run() }
        }
    }
}
