import Foundation
import SMHBlobLocal
import SMHCore
import SMHMedia
import Testing

/// The bounds every external tool runs under: time, concurrency, captured output.
@Suite struct ToolRunnerTests {
    static func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "toolrunner-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func capturesOutputAndStatus() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = ToolRunner(
            concurrency: 1, timeoutSeconds: 10, memoryLimitBytes: 1 << 30, prlimit: "/usr/bin/prlimit", scratch: dir)
        let ok = try await runner.run(["/bin/sh", "-c", "echo out; echo err >&2"])
        #expect(ok.succeeded && ok.output == "out\n" && ok.errors == "err\n")
        let failed = try await runner.run(["/bin/sh", "-c", "exit 3"])
        #expect(failed.status == 3 && !failed.succeeded && !failed.timedOut)
        // Arguments are an argv array: nothing is interpreted by a shell.
        let literal = try await runner.run(["/bin/echo", "$(id); rm -rf /"])
        #expect(literal.output == "$(id); rm -rf /\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "capture files are removed")
    }

    @Test func aToolPastItsTimeIsKilled() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = ToolRunner(
            concurrency: 1, timeoutSeconds: 0.3, memoryLimitBytes: 1 << 30, prlimit: nil, scratch: dir)
        let started = ContinuousClock.now
        let result = try await runner.run(["/bin/sleep", "30"])
        #expect(result.timedOut && !result.succeeded)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func memoryLimitApplies() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = ToolRunner(
            concurrency: 1, timeoutSeconds: 10, memoryLimitBytes: 64 << 20, prlimit: "/usr/bin/prlimit", scratch: dir)
        // Reserving 512 MiB of address space fails under a 64 MiB limit.
        let result = try await runner.run(["/usr/bin/python3", "-c", "b = bytearray(512 * 1024 * 1024)"])
        #expect(!result.succeeded)
    }

    @Test func atMostConcurrencyToolsRunAtOnce() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = ToolRunner(
            concurrency: 2, timeoutSeconds: 10, memoryLimitBytes: 1 << 30, prlimit: nil, scratch: dir)
        let marker = dir + "/running"
        // Each tool counts the tools running beside it through files in a folder.
        let script =
            "touch \(marker).$$; ls \(marker).* | wc -l > \(dir)/seen.$$; sleep 0.3; rm \(marker).$$"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { _ = try await runner.run(["/bin/sh", "-c", script]) } }
            try await group.waitForAll()
        }
        let seen = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("seen.") }.map {
            Int(
                try String(contentsOfFile: dir + "/" + $0, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines))
                ?? 0
        }
        #expect(seen.count == 6)
        #expect(seen.allSatisfy { $0 <= 2 } && seen.contains(2), "never more than two at once: \(seen)")
    }
}
