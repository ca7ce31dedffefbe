import Foundation
import SMHCore

/// Runs the external media tools: argv arrays (never a shell), a bounded number at once, each under a time limit and
/// an address-space limit (through util-linux `prlimit`), output captured through files (no pipe can fill up and
/// stall a tool).
public final class ToolRunner: Sendable {
    public struct Result: Sendable {
        public let status: Int32
        public let output: String
        /// The last part of what the tool printed on stderr, for logs.
        public let errors: String
        public let timedOut: Bool

        public var succeeded: Bool { status == 0 && !timedOut }
    }

    let slots: AsyncSemaphore
    let timeoutSeconds: Double
    let memoryLimitBytes: Int64
    let prlimit: String?
    let scratch: String
    let environment: [String: String]

    /// `scratch` is a folder for captured output; `prlimit` the path of util-linux's tool, nil to run without limits.
    public init(
        concurrency: Int, timeoutSeconds: Double, memoryLimitBytes: Int64, prlimit: String?, scratch: String
    ) {
        self.slots = AsyncSemaphore(count: max(1, concurrency))
        self.timeoutSeconds = timeoutSeconds
        self.memoryLimitBytes = memoryLimitBytes
        self.prlimit = prlimit
        self.scratch = scratch
        var environment: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            // libvips: refuse loaders marked untrusted (ImageMagick, …) — hostile input meets only the audited ones.
            "VIPS_BLOCK_UNTRUSTED": "1",
            // Fewer malloc arenas: a tool's virtual size stays well below the address-space limit.
            "MALLOC_ARENA_MAX": "2",
        ]
        if let home = ProcessInfo.processInfo.environment["HOME"] { environment["HOME"] = home }
        self.environment = environment
    }

    /// Tools waiting for a slot right now (for logs and tests).
    public var waiting: Int { get async { await slots.waiting } }

    /// Runs `argv` (an absolute executable path first) once a slot is free.
    public func run(_ argv: [String]) async throws -> Result {
        await slots.acquire()
        defer { Task { await slots.release() } }
        return try await launch(argv)
    }

    func launch(_ argv: [String]) async throws -> Result {
        let process = Process()
        var arguments = argv
        if let prlimit {
            let cpuSeconds = Int(timeoutSeconds.rounded(.up)) + 5
            arguments = [prlimit, "--as=\(memoryLimitBytes)", "--cpu=\(cpuSeconds)", "--"] + argv
        }
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = environment
        let outputPath = "\(scratch)/\(RandomToken.alphanumeric(count: 16)).out"
        let errorPath = "\(scratch)/\(RandomToken.alphanumeric(count: 16)).err"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outputPath)
            try? FileManager.default.removeItem(atPath: errorPath)
        }
        guard let output = FileHandle(forWritingAtPath: outputPath),
            let errors = FileHandle(forWritingAtPath: errorPath)
        else {
            throw SMHError.internalError(ToolFailure("cannot create capture files in \(scratch)"))
        }
        defer {
            try? output.close()
            try? errors.close()
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        let timedOut = TimeoutFlag()
        let done = TimeoutFlag()
        let timer = DispatchSource.makeTimerSource(queue: .global())
        // Resumed on every path below (a suspended source must not be released), cancelled when the tool is done.
        defer { timer.cancel() }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                done.set()
                continuation.resume(returning: finished.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                timer.resume()
                continuation.resume(throwing: SMHError.internalError(ToolFailure("cannot start \(argv[0]): \(error)")))
                return
            }
            // A Dispatch timer, not a task: it fires on time even when Swift's cooperative pool is busy.
            let pid = process.processIdentifier
            timer.schedule(deadline: .now() + timeoutSeconds)
            timer.setEventHandler {
                guard !done.isSet else { return }
                timedOut.set()
                kill(pid, SIGKILL)
            }
            timer.resume()
        }
        let printed = Self.read(outputPath, limit: 1 << 20)
        var complaint = Self.read(errorPath, limit: 1 << 16)
        if complaint.utf8.count > 2000 { complaint = String(complaint.suffix(2000)) }
        return Result(status: status, output: printed, errors: complaint, timedOut: timedOut.isSet)
    }

    static func read(_ path: String, limit: Int) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: limit)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Set once by the timer that killed a tool.
final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

struct ToolFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
