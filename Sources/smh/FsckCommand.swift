import ArgumentParser
import Foundation
import SMHBlobLocal
import SMHCore
import SMHStoreSQL

/// `smh fsck`: recounts space usage and blob references from the nodes and history versions, checks that every
/// referenced blob has its bytes, that every stored blob has a record and every rendition a blob, and reports any drift;
/// `--repair` sets the counters to the recount and deletes orphaned bytes and stray renditions.
struct FsckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsck", abstract: "Check (and with --repair fix) usage counters and blob references.")

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Set drifted counters to their recounted values, and delete orphaned blob bytes.")
    var repair = false

    @Option(
        help:
            "Blob bytes without a record count as orphaned once unchanged for this long (an upload being confirmed has its bytes in place a moment before its record)."
    )
    var orphanGraceMinutes: Int64 = 60

    func run() async throws {
        let logger = try storeOptions.makeLogger()
        let location = storeOptions.location
        let (blobs, renditions) = try await storeOptions.openStorage(logger: logger)
        let clean = try await location.withStore(logger: logger) { store in
            try await store.migrate()
            var (report, referenced) = try await store.recount()
            for sha in referenced where !(try await blobs.contains(sha256: sha)) { report.missingContent.append(sha) }
            for drift in report.spaces {
                print(
                    "space \(drift.library.rawValue)/\(drift.space.rawValue): used_bytes \(drift.recorded), "
                        + "recount \(drift.actual)")
            }
            for drift in report.blobs {
                print("blob \(drift.sha256): refcount \(drift.recorded), recount \(drift.actual)")
            }
            for sha in report.missingContent { print("blob \(sha): referenced, but its bytes are missing") }
            // Bytes without a record: left by a crash between a blob's commit and its record (or its collection).
            let cutoff = Int64(Date().timeIntervalSince1970) - orphanGraceMinutes * 60
            var orphans: [String] = []
            try await blobs.forEachStoredAddress(batchSize: 500) { batch in
                let recorded = try await store.recordedBlobs(among: batch.map(\.address))
                orphans += batch.filter { !recorded.contains($0.address) && $0.modifiedSeconds <= cutoff }.map(
                    \.address)
            }
            for sha in orphans { print("blob \(sha): bytes on disk without a record (orphaned)") }
            if repair && !orphans.isEmpty {
                // Checked again one by one just before deleting, so a record that appeared meanwhile keeps its bytes.
                var removed = 0
                for sha in orphans where try await store.recordedBlobs(among: [sha]).isEmpty {
                    try await blobs.remove(sha256: sha)
                    removed += 1
                }
                print("deleted \(removed) orphaned blobs")
            }
            // Renditions (thumbnails, covers) whose content is gone: left when a crash came between a blob's removal
            // and its renditions', or when a rendition was being made while its blob was removed.
            var strays: [String] = []
            for sha in try await renditions.owners() where !(try await blobs.contains(sha256: sha)) {
                strays.append(sha)
            }
            for sha in strays { print("renditions of \(sha): the content is gone (stray)") }
            if repair && !strays.isEmpty {
                for sha in strays { await renditions.removeAll(of: sha) }
                print("deleted the renditions of \(strays.count) contents")
            }
            // The entry counters of space file counts (kept by database triggers).
            let counters = try await store.entryCounterDrift()
            for drift in counters { print("space \(drift.library)/\(drift.space): entry counters drifted") }
            if repair && !counters.isEmpty {
                try await store.repairEntryCounters()
                print("recounted the entries of \(counters.count) spaces")
            }
            if repair && !(report.spaces.isEmpty && report.blobs.isEmpty) {
                try await store.repair(report, at: SystemClock().now())
                print("repaired \(report.spaces.count) space counters and \(report.blobs.count) blob references")
                return report.missingContent.isEmpty
            }
            // Repaired orphans are gone; unrepaired ones count against a clean result.
            let clean = report.isClean && ((orphans.isEmpty && strays.isEmpty && counters.isEmpty) || repair)
            print(
                clean
                    ? "fsck: clean (\(referenced.count) blobs referenced)"
                    : "fsck: \(report.spaces.count) space and \(report.blobs.count) blob counters drifted, "
                        + "\(report.missingContent.count) blobs missing, \(orphans.count) orphaned blobs, "
                        + "\(strays.count) stray renditions")
            return clean
        }
        if !clean { throw ExitCode(1) }
    }
}
