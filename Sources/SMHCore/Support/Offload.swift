import Dispatch

/// Blocking work — hashing whole parts, fsyncs that wait for the disk — runs on a thread of its own, never on the
/// threads that serve requests (which, in `smh serve`, are the event loops that do the network I/O).
public enum Offload {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
