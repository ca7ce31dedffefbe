import Dispatch
import NIOCore
import NIOPosix

/// NIO's shared loops, handed out in turn even to a caller that runs on one of them.
///
/// postgres-nio opens each pooled connection on `eventLoopGroup.any()`, which prefers the calling loop: the pool opens
/// its connections from one task, so all of them landed on one loop, and with them every request whose query they
/// answer (one loop at 36 % of the machine, the other at 14 %, in a `?info` profile on PostgreSQL).
final class SpreadEventLoopGroup: EventLoopGroup, Sendable {
    let base: MultiThreadedEventLoopGroup

    init(_ base: MultiThreadedEventLoopGroup = .singleton) {
        self.base = base
    }

    func next() -> any EventLoop { base.next() }
    func any() -> any EventLoop { base.next() }
    func makeIterator() -> EventLoopIterator { base.makeIterator() }

    func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable ((any Error)?) -> Void) {
        // The shared loops outlive any one client.
        queue.async { callback(nil) }
    }
}
