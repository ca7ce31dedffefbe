import Foundation
import Testing

@testable import SMHBlobLocal
@testable import SMHCore

@Suite struct LocalBlobStoreTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "smh-blob-" + RandomToken.alphanumeric(count: 10)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: root) }

    func pattern(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) }
    }

    func readAll(_ reader: any BlobReader, chunk: Int = 4096) async throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            try await reader.fill()
            let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            if count == 0 { break }
            out += buffer[..<count]
        }
        reader.close()
        return out
    }

    @Test func roundTripWithDigestsAndRangeReads() async throws {
        defer { cleanup() }
        let store = try LocalBlobStore(root: root)
        let bytes = pattern(300_001)
        let writer = try store.makeWriter()
        // Uneven chunks, as a network delivers them.
        var offset = 0
        for size in [1, 4095, 65_536, 100_000, 130_369] {
            try bytes[offset..<offset + size].withUnsafeBytes { try writer.write($0) }
            offset += size
        }
        #expect(writer.bytesWritten == 300_001)
        let staged = try await writer.finish()
        #expect(!store.contains(sha256: staged.digest.sha256), "not visible before commit")
        try await store.commit(staged)
        #expect(store.contains(sha256: staged.digest.sha256))

        #expect(staged.digest.size == 300_001)
        #expect(staged.digest.crc64 == CRC64.checksum(bytes))
        #expect(staged.digest.sha256 == Self.shell("sha256sum", bytes))
        #expect(staged.digest.md5 == Self.shell("md5sum", bytes))
        #expect(staged.digest.eTag == "\"\(staged.digest.md5)\"")

        #expect(try await readAll(store.open(sha256: staged.digest.sha256, range: nil)) == bytes)
        let middle = try await readAll(
            store.open(sha256: staged.digest.sha256, range: ByteRange(start: 1000, length: 70_000)), chunk: 3000)
        #expect(middle == Array(bytes[1000..<71_000]))
        let last = try store.open(sha256: staged.digest.sha256, range: ByteRange(start: 300_000, length: 1))
        #expect(last.length == 1)
        #expect(try await readAll(last) == [bytes[300_000]])
        #expect(throws: SMHError.self) {
            try store.open(sha256: staged.digest.sha256, range: ByteRange(start: 300_000, length: 2))
        }
    }

    @Test func sameContentTwiceIsStoredOnce() async throws {
        defer { cleanup() }
        let store = try LocalBlobStore(root: root)
        var digests: [ContentDigest] = []
        for _ in 0..<2 {
            let writer = try store.makeWriter()
            try Array("hello".utf8).withUnsafeBytes { try writer.write($0) }
            let staged = try await writer.finish()
            try await store.commit(staged)
            digests.append(staged.digest)
        }
        #expect(digests[0] == digests[1])
        LocalBlobStore.waitForDiscards()
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/staging").isEmpty)
        try await store.remove(sha256: digests[0].sha256)
        #expect(!store.contains(sha256: digests[0].sha256))
    }

    /// A multipart upload of content already stored: its parts leave the upload's folder at once (the confirm does
    /// not wait for 1 GiB of unlinks) and are deleted after; the stored blob is untouched.
    @Test func duplicatePartsLeaveAtOnceAndAreDeletedAfter() async throws {
        defer { cleanup() }
        let store = try LocalBlobStore(root: root)
        let bytes = pattern(3 << 20)
        var address = ""
        for upload in ["firstupload", "secondupload"] {
            var parts: [StagedPart] = []
            for (number, range) in [(1, 0..<(2 << 20)), (2, (2 << 20)..<(3 << 20))] {
                let writer = try store.makePartWriter(upload: upload)
                try bytes[range].withUnsafeBytes { try writer.write($0) }
                let staged = try await writer.finish()
                parts.append(
                    StagedPart(
                        number: number, stagingKey: staged.stagingKey, size: staged.digest.size,
                        md5: staged.digest.md5, receivedAt: Timestamp(milliseconds: 0)))
            }
            address = Self.shell("sha256sum", Array(bytes[..<(1 << 20)]))  // any address; the same both times
            try await store.commitParts(upload: upload, parts: parts, address: address)
            #expect(!FileManager.default.fileExists(atPath: root + "/staging/\(upload).d"))
        }
        LocalBlobStore.waitForDiscards()
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/staging").isEmpty)
        #expect(try await readAll(try store.open(sha256: address, range: nil)) == bytes)
    }

    /// Discards a crash interrupted (a folder of parts, a single file) are deleted at the next start.
    @Test func discardsLeftByACrashAreDeletedAtStart() throws {
        defer { cleanup() }
        _ = try LocalBlobStore(root: root)
        let folder = root + "/staging/abc.discard"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: folder + "/p.staged", contents: Data([1, 2, 3]))
        FileManager.default.createFile(atPath: root + "/staging/def.discard", contents: Data([4]))
        _ = try LocalBlobStore(root: root)  // restart
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/staging").isEmpty)
    }

    @Test func abortedWriteLeavesNothing() async throws {
        defer { cleanup() }
        let store = try LocalBlobStore(root: root)
        let bytes = pattern(10_000)
        let writer = try store.makeWriter()
        try bytes[..<5000].withUnsafeBytes { try writer.write($0) }
        await writer.abort()
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/staging").isEmpty)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: root + "/blobs").isEmpty)
    }

    @Test func droppedWriterLeavesNothing() async throws {
        defer { cleanup() }
        let store = try LocalBlobStore(root: root)
        do {
            let writer = try store.makeWriter()
            try pattern(5000).withUnsafeBytes { try writer.write($0) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/staging").isEmpty)
    }

    /// A crash midway (simulated: the writer's `.part` file is left behind as `kill -9` would leave it) shows no blob,
    /// and the next start removes the partial bytes.
    @Test func writeInterruptedByACrashIsNeverVisibleAndIsCleanedOnRestart() async throws {
        defer { cleanup() }
        let store = try LocalBlobStore(root: root)
        let bytes = pattern(20_000)
        let writer = try store.makeWriter()
        try bytes[..<10_000].withUnsafeBytes { try writer.write($0) }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root + "/staging")
        #expect(leftovers.count == 1 && leftovers[0].hasSuffix(".part"))
        // Keep the partial file as a crash would, by copying it before the writer is dropped.
        let part = root + "/staging/" + leftovers[0]
        let survivor = root + "/staging/crashed.part"
        try FileManager.default.copyItem(atPath: part, toPath: survivor)
        await writer.abort()

        let sha = Self.shell("sha256sum", bytes)
        #expect(!store.contains(sha256: sha))
        #expect(try FileManager.default.subpathsOfDirectory(atPath: root + "/blobs").isEmpty)
        _ = try LocalBlobStore(root: root)  // restart
        #expect(!FileManager.default.fileExists(atPath: survivor))
    }

    @Test func refusesPathsThatAreNotContentAddresses() async throws {
        defer { cleanup() }
        let store = try LocalBlobStore(root: root)
        #expect(throws: SMHError.self) { try store.open(sha256: "../../etc/passwd", range: nil) }
        #expect(!store.contains(sha256: "ABC"))
    }

    /// The digest of `bytes` as the system tool prints it: an independent reference for SHA-256 and MD5.
    static func shell(_ tool: String, _ bytes: [UInt8]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/" + tool)
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try? process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}
