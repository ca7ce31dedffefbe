import Synchronization

/// The running digest of each multipart upload in this process, advanced as parts arrive, so that confirm does not
/// read the whole file again: parts are folded in order as soon as they are contiguous from part 1 (a re-sent part
/// that was already folded starts its upload over). Confirm only folds what is left — usually the last part.
///
/// State is per process and in memory: after a restart, or when the parts went to another instance, confirm folds
/// the parts it finds missing itself (correct, only slower).
public final class PartDigests: Sendable {
    private let folds = Mutex<[String: Fold]>([:])
    /// Uploads followed at once; beyond it the oldest state is dropped (its confirm then re-reads the parts).
    public let capacity: Int

    public init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    private func fold(for upload: String) -> Fold {
        folds.withLock { folds in
            if let fold = folds[upload] { return fold }
            if folds.count >= capacity, let victim = folds.keys.first { folds[victim] = nil }
            let fold = Fold()
            folds[upload] = fold
            return fold
        }
    }

    /// Folds whatever is contiguous now. `parts` are the received parts, by number.
    public func advance<Blobs: BlobStore>(_ upload: String, parts: [StagedPart], blobs: Blobs) async throws {
        let fold = fold(for: upload)
        try await Offload.run { try fold.advance(parts: parts, upload: upload, blobs: blobs) }
    }

    /// The digest of the whole content: `parts` must be exactly 1…N.
    public func digest<Blobs: BlobStore>(_ upload: String, parts: [StagedPart], blobs: Blobs) async throws
        -> ContentDigest
    {
        let fold = fold(for: upload)
        return try await Offload.run {
            try fold.advance(parts: parts, upload: upload, blobs: blobs)
            return try fold.digest(of: parts)
        }
    }

    public func forget(_ upload: String) {
        _ = folds.withLock { $0.removeValue(forKey: upload) }
    }

    /// Number of uploads followed (for tests and metrics).
    public var count: Int { folds.withLock { $0.count } }
}

/// One upload's running digest. Parts of one upload may complete concurrently: the lock makes their folds take turns.
final class Fold: Sendable {
    private struct State {
        var hasher = ContentHasher()
        var folded: [StagedPart] = []
    }

    private let state = Mutex(State())
    static let bufferSize = 1 << 20

    func advance<Blobs: BlobStore>(parts: [StagedPart], upload: String, blobs: Blobs) throws {
        try state.withLock { state in
            // A folded part that was replaced since invalidates everything after it: start over.
            for (index, part) in state.folded.enumerated()
            where index >= parts.count || parts[index].number != part.number
                || parts[index].stagingKey != part.stagingKey
            {
                state.hasher = ContentHasher()
                state.folded = []
                break
            }
            var buffer = [UInt8](repeating: 0, count: Self.bufferSize)
            while state.folded.count < parts.count, parts[state.folded.count].number == state.folded.count + 1 {
                let part = parts[state.folded.count]
                let reader = try blobs.openPart(upload: upload, stagingKey: part.stagingKey)
                defer { reader.close() }
                var hashed: Int64 = 0
                var partHasher = state.hasher
                while true {
                    let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                    if count == 0 { break }
                    buffer.withUnsafeBytes {
                        partHasher.updateConcurrently(UnsafeRawBufferPointer(rebasing: $0.prefix(count)))
                    }
                    hashed += Int64(count)
                }
                guard hashed == part.size else {
                    throw SMHError.internalError(
                        PartSizeMismatch(part: part.number, expected: part.size, found: hashed))
                }
                state.hasher = partHasher
                state.folded.append(part)
            }
        }
    }

    func digest(of parts: [StagedPart]) throws -> ContentDigest {
        try state.withLock { state in
            guard state.folded == parts else {
                throw SMHError.internalError(PartSizeMismatch(part: state.folded.count + 1, expected: 0, found: 0))
            }
            return state.hasher.finalize()
        }
    }
}

struct PartSizeMismatch: Error, CustomStringConvertible {
    let part: Int
    let expected: Int64
    let found: Int64
    var description: String { "part \(part): expected \(expected) bytes, read \(found)" }
}
