import NIOConcurrencyHelpers
import SMHCore

/// The rows every business request reads before anything else — its library, its token, its space — kept for at
/// most `lifetime` (1 s).
///
/// Every write through this store that changes one of them (settings, secret rotation, deletion, token revocation or
/// renewal, space extension or deletion) clears the cache at once, so this instance never serves a revoked token or a
/// deleted library after the write returns. Other processes on the same database (more instances on PostgreSQL, the
/// CLI on a SQLite data folder) see such a change within `lifetime`. Cached spaces carry a `usedBytes` that may be
/// that old too: whatever reports or enforces usage reads it from the database (`usedBytes(library:spaces:)`).
final class LookupCache: Sendable {
    private struct Entry<Value: Sendable>: Sendable {
        let value: Value
        let loadedAt: ContinuousClock.Instant
    }

    private struct State: Sendable {
        var libraries: [String: Entry<Library>] = [:]
        var tokens: [String: Entry<AccessToken>] = [:]
        var spaces: [String: Entry<Space>] = [:]
        /// Bumped by every clear: a row read before a clear must not be stored after it.
        var generation = 0
    }

    let lifetime: Duration
    /// Past this many entries of a kind, the kind is emptied (a crude bound; the working set is small).
    let capacity: Int
    private let state = NIOLockedValueBox(State())

    init(lifetime: Duration = .seconds(1), capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func library(_ id: LibraryID, load: () async throws -> Library?) async throws -> Library? {
        try await cached(\.libraries, key: id.rawValue, load: load)
    }

    func token(_ hash: String, load: () async throws -> AccessToken?) async throws -> AccessToken? {
        try await cached(\.tokens, key: hash, load: load)
    }

    func space(_ library: LibraryID, _ id: SpaceID, load: () async throws -> Space?) async throws -> Space? {
        try await cached(\.spaces, key: library.rawValue + "/" + id.rawValue, load: load)
    }

    /// Forgets everything: after any write to libraries, spaces or tokens.
    func clear() {
        state.withLockedValue { state in
            state.libraries.removeAll()
            state.tokens.removeAll()
            state.spaces.removeAll()
            state.generation += 1
        }
    }

    /// Forgets one token (its expiry moved).
    func forgetToken(_ hash: String) {
        state.withLockedValue { state in
            state.tokens[hash] = nil
            state.generation += 1
        }
    }

    private func cached<Value: Sendable>(
        _ kind: WritableKeyPath<State, [String: Entry<Value>]>, key: String, load: () async throws -> Value?
    ) async throws -> Value? {
        let now = ContinuousClock.now
        let (hit, generation) = state.withLockedValue { state -> (Value?, Int) in
            if let entry = state[keyPath: kind][key], now - entry.loadedAt < lifetime { return (entry.value, 0) }
            return (nil, state.generation)
        }
        if let hit { return hit }
        // Misses (unknown ids, wrong tokens) are not cached: they cost a read each, as before.
        guard let value = try await load() else { return nil }
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            if state[keyPath: kind].count >= capacity { state[keyPath: kind].removeAll() }
            state[keyPath: kind][key] = Entry(value: value, loadedAt: now)
        }
        return value
    }
}
