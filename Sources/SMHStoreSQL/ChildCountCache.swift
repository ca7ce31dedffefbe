import NIOConcurrencyHelpers
import SMHCore

/// The child counts of the directories listed lately, each with the directory's `updated_at` read in the same
/// statement as its counts.
///
/// Every listing page answers `fileCount` and `subDirCount`, and counting 10,000 children took longer than reading
/// the page itself on PostgreSQL. A directory's `updated_at` (its eTag) moves forward in the same transaction as any
/// change to its live children (`NodeRows.touch`; the `If-None-Match` answers of listings rest on the same rule), so
/// counts read at the `updated_at` a request has just read for the directory are its counts. Nothing is invalidated:
/// a changed directory simply no longer matches, on this instance or any other sharing the database.
final class ChildCountCache: Sendable {
    struct Entry: Sendable {
        let updatedAt: Int64
        let files: Int
        let directories: Int
    }

    /// Past this many directories, the cache starts over (a crude bound; each entry is a few words).
    let capacity: Int
    private let entries = NIOLockedValueBox<[Int64: Entry]>([:])

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func counts(of directory: Inode, at updatedAt: Int64) -> (files: Int, directories: Int)? {
        entries.withLockedValue { entries in
            guard let entry = entries[directory.rawValue], entry.updatedAt == updatedAt else { return nil }
            return (entry.files, entry.directories)
        }
    }

    func store(_ entry: Entry, for directory: Inode) {
        entries.withLockedValue { entries in
            if entries.count >= capacity, entries[directory.rawValue] == nil { entries.removeAll() }
            entries[directory.rawValue] = entry
        }
    }
}
