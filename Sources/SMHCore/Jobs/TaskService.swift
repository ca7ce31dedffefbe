/// Tasks (spec 30 §2) as the core sees them: queued with typed parameters (`TaskParameters`, whose case names the
/// kind), run later by the application's task registry, read back through the Query Task API.
public struct TaskService<Store: JobStore>: Sendable {
    public let store: Store
    public let clock: any Clock

    public init(store: Store, clock: any Clock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    /// Queues a task; its id is what the `202` answers.
    public func enqueue(_ parameters: TaskParameters, library: LibraryID, space: SpaceID?) async throws -> Int64 {
        try await store.enqueueJob(
            kind: parameters.kind, library: library, space: space, payload: try parameters.encoded(), at: clock.now())
    }
}
