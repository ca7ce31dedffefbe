import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Holds a connection's close until the bytes already written have reached the socket.
///
/// During a graceful stop Hummingbird closes each connection right after writing the end of its last response,
/// without waiting for the writes to complete; NIO then drops whatever is still queued for a slow reader, so the
/// last few kilobytes of a download under way were lost (the smoke test caught it about one run in three). Writes
/// complete once the socket has taken their bytes, and in order: the close waits for the end of the last response
/// written. Only ends are watched (one promise per response, not one per part: this sits on every request's path).
final class DrainBeforeCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var outstanding = 0
    private var heldClose: (mode: CloseMode, promise: EventLoopPromise<Void>?)?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        let written = promise ?? context.eventLoop.makePromise()
        outstanding += 1
        written.futureResult.hop(to: context.eventLoop).assumeIsolatedUnsafeUnchecked().whenComplete { _ in
            self.outstanding -= 1
            self.closeIfDrained(context: context)
        }
        context.write(data, promise: written)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, outstanding > 0, context.channel.isActive else {
            context.close(mode: mode, promise: promise)
            return
        }
        if let held = heldClose {
            // A second close while one is held: complete both with the one that happens.
            if let promise { held.promise?.futureResult.cascade(to: promise) ?? promise.succeed() }
            return
        }
        heldClose = (mode, promise)
        context.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let held = heldClose {
            heldClose = nil
            held.promise?.succeed()
        }
        context.fireChannelInactive()
    }

    private func closeIfDrained(context: ChannelHandlerContext) {
        guard outstanding == 0, let held = heldClose else { return }
        heldClose = nil
        context.close(mode: held.mode, promise: held.promise)
    }
}
