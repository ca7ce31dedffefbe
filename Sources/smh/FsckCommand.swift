import ArgumentParser
import Foundation
import SMHBlobLocal
import SMHCore
import SMHStoreSQL

/// `smh fsck`: recounts space usage and blob references from the nodes and history versions, checks that every
/// referenced blob has its bytes, and reports any drift; `--repair` sets the counters to the recount.
struct FsckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsck", abstract: "Check (and with --repair fix) usage counters and blob references.")

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Set drifted counters to their recounted values.")
    var repair = false

    func run() async throws {
        let logger = try storeOptions.makeLogger()
        let location = storeOptions.location
        let blobs = try LocalBlobStore(root: location.dataDirectory)
        let clean = try await location.withStore(logger: logger) { store in
            try await store.migrate()
            var (report, referenced) = try await store.recount()
            report.missingContent = referenced.filter { !blobs.contains(sha256: $0) }
            for drift in report.spaces {
                print(
                    "space \(drift.library.rawValue)/\(drift.space.rawValue): used_bytes \(drift.recorded), "
                        + "recount \(drift.actual)")
            }
            for drift in report.blobs {
                print("blob \(drift.sha256): refcount \(drift.recorded), recount \(drift.actual)")
            }
            for sha in report.missingContent { print("blob \(sha): referenced, but its bytes are missing") }
            if repair && !(report.spaces.isEmpty && report.blobs.isEmpty) {
                try await store.repair(report, at: SystemClock().now())
                print("repaired \(report.spaces.count) space counters and \(report.blobs.count) blob references")
                return report.missingContent.isEmpty
            }
            print(
                report.isClean
                    ? "fsck: clean (\(referenced.count) blobs referenced)"
                    : "fsck: \(report.spaces.count) space and \(report.blobs.count) blob counters drifted, "
                        + "\(report.missingContent.count) blobs missing")
            return report.isClean
        }
        if !clean { throw ExitCode(1) }
    }
}
