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
    public func advance(_ upload: String, parts: [StagedPart], blobs: any BlobStore) async throws {
        let fold = fold(for: upload)
        // Reading and hashing are long and CPU-bound: off the event loops that receive the next parts.
        try await withTaskExecutorPreference(globalConcurrentExecutor) {
            try await fold.advance(parts: parts, upload: upload, blobs: blobs)
        }
    }

    /// The digest of the whole content: `parts` must be exactly 1…N.
    public func digest(_ upload: String, parts: [StagedPart], blobs: any BlobStore) async throws -> ContentDigest {
        let fold = fold(for: upload)
        try await withTaskExecutorPreference(globalConcurrentExecutor) {
            try await fold.advance(parts: parts, upload: upload, blobs: blobs)
        }
        return try fold.digest(of: parts)
    }

    public func forget(_ upload: String) {
        _ = folds.withLock { $0.removeValue(forKey: upload) }
    }

    /// Number of uploads followed (for tests and metrics).
    public var count: Int { folds.withLock { $0.count } }
}

/// One upload's running digest. Parts of one upload may complete concurrently: the semaphore makes their folds take
/// turns (held across the reads, which may wait on the network); the hashing itself runs off the caller's thread.
final class Fold: Sendable {
    private struct State: Sendable {
        var hasher = ContentHasher()
        var folded: [StagedPart] = []
    }

    private let state = Mutex(State())
    private let turn = AsyncSemaphore(count: 1)
    static let bufferSize = 1 << 20

    func advance(parts: [StagedPart], upload: String, blobs: any BlobStore) async throws {
        await turn.acquire()
        do {
            try await advanceInTurn(parts: parts, upload: upload, blobs: blobs)
            await turn.release()
        } catch {
            await turn.release()
            throw error
        }
    }

    private func advanceInTurn(parts: [StagedPart], upload: String, blobs: any BlobStore) async throws {
        var current = state.withLock { $0 }
        // A folded part that was replaced since invalidates everything after it: start over.
        for (index, part) in current.folded.enumerated()
        where index >= parts.count || parts[index].number != part.number
            || parts[index].stagingKey != part.stagingKey
        {
            current = State()
            break
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        while current.folded.count < parts.count, parts[current.folded.count].number == current.folded.count + 1 {
            let part = parts[current.folded.count]
            let reader = try await blobs.openPart(upload: upload, stagingKey: part.stagingKey)
            defer { reader.close() }
            var hashed: Int64 = 0
            var partHasher = current.hasher
            while true {
                // Fill the whole buffer before hashing: large runs let MD5 and SHA-256 share the cores.
                var filled = 0
                while filled < buffer.count {
                    try await reader.fill()
                    let count = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                    if count == 0 { break }
                    filled += count
                }
                if filled == 0 { break }
                partHasher.updateConcurrently(UnsafeRawBufferPointer(rebasing: buffer[..<filled]))
                hashed += Int64(filled)
            }
            guard hashed == part.size else {
                state.withLock { $0 = current }
                throw SMHError.internalError(PartSizeMismatch(part: part.number, expected: part.size, found: hashed))
            }
            current.hasher = partHasher
            current.folded.append(part)
        }
        state.withLock { $0 = current }
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
