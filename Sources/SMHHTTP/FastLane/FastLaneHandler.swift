import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Answers bodiless `GET`s of the API in the channel pipeline, without Hummingbird's per-connection async loop.
///
/// Hummingbird hands every request part to a task through an async sequence and takes every answer back through an
/// async writer; for a small answer those two bridges cost more than the router, the middleware and the database
/// together (`docs/BENCHMARKS.md`). Here a request that has no body is answered by a task of its own, started on
/// the connection's event loop and kept there (`ChannelLoopExecutor`), calling the application's own responder
/// (`FastLane`): same router, middleware, log line and metrics. Its answer is written straight into the pipeline.
///
/// Order is kept: a request is taken only when no answer from Hummingbird is outstanding on the connection, and
/// parts arriving while a fast answer is being made (pipelined requests) wait here and are replayed after it; reads
/// and a close wait for it too. Everything else passes through untouched.
final class FastLaneHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    /// The handler and its context, for a fast answer's task to use on the event loop.
    typealias Place = (handler: FastLaneHandler, context: ChannelHandlerContext)

    private enum State {
        case idle
        /// A fast request's head has arrived; it is answered when its end does.
        case awaitingEnd(HTTPRequest)
        case answering
    }

    /// What arrived while a fast answer was being made, replayed in order after it.
    private enum Waiting {
        case part(HTTPRequestPart)
        case error(any Error)
        case event(Any)
    }

    private let lane: FastLane
    private var responder: RouterResponder<SMHRequestContext>?
    private var state = State.idle
    private var executor: ChannelLoopExecutor?
    /// Requests passed on to Hummingbird whose answer has not ended yet.
    private var passedOn = 0
    private var waiting: CircularBuffer<Waiting> = []
    private var heldRead = false
    private var heldClose: (mode: CloseMode, promise: EventLoopPromise<Void>?)?

    init(lane: FastLane) {
        self.lane = lane
    }

    func handlerAdded(context: ChannelHandlerContext) {
        executor = ChannelLoopExecutor(loop: context.eventLoop)
        responder = lane.responder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if handle(part, context: context) { context.fireChannelRead(data) }
    }

    /// True when the part goes on to Hummingbird.
    private func handle(_ part: HTTPRequestPart, context: ChannelHandlerContext) -> Bool {
        switch state {
        case .answering:
            waiting.append(.part(part))
            return false
        case .awaitingEnd(let head):
            // A head is taken only without a body, so the next part is its end.
            if case .end = part {
                state = .answering
                answer(head, context: context)
            }
            return false
        case .idle:
            guard case .head(let head) = part else { return true }
            if passedOn == 0, responder != nil, Self.takes(head) {
                state = .awaitingEnd(head)
                return false
            }
            passedOn += 1
            return true
        }
    }

    /// Bodiless `GET`s of the business API and `/health`; data-plane transfers and anything with a body, an
    /// expectation or an upgrade stay with Hummingbird.
    static func takes(_ head: HTTPRequest) -> Bool {
        guard head.method == .get, let path = head.path,
            path.hasPrefix("/api/v1/") || path == "/health"
        else { return false }
        let fields = head.headerFields
        if let length = fields[.contentLength], length != "0" { return false }
        return fields[.transferEncoding] == nil && fields[.expect] == nil && fields[.upgrade] == nil
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), passedOn > 0 { passedOn -= 1 }
        context.write(data, promise: promise)
    }

    /// Reads go on while a fast answer is made (holding them would take the socket out of epoll and put it back
    /// for every request), unless pipelined parts are already waiting: then the client waits for the answer.
    func read(context: ChannelHandlerContext) {
        if !waiting.isEmpty {
            heldRead = true
            return
        }
        context.read()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard !isIdle, context.channel.isActive else {
            context.close(mode: mode, promise: promise)
            return
        }
        if let held = heldClose {
            if let promise { held.promise?.futureResult.cascade(to: promise) ?? promise.succeed() }
            return
        }
        heldClose = (mode, promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        passOnUnfinishedHead(context: context)
        guard case .idle = state else {
            waiting.append(.error(error))
            return
        }
        context.fireErrorCaught(error)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        passOnUnfinishedHead(context: context)
        guard case .idle = state else {
            waiting.append(.event(event))
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// An error or an event between a taken head and its end: the request goes to Hummingbird after all, which
    /// answers it as it would have.
    private func passOnUnfinishedHead(context: ChannelHandlerContext) {
        guard case .awaitingEnd(let head) = state else { return }
        state = .idle
        passedOn += 1
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        waiting.removeAll()
        if let held = heldClose {
            heldClose = nil
            held.promise?.succeed()
        }
        context.fireChannelInactive()
    }

    private var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    private func answer(_ head: HTTPRequest, context: ChannelHandlerContext) {
        guard let responder else { return }
        let job = FastAnswer(
            head: head, responder: responder, lane: lane, channel: context.channel,
            bound: NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop))
        Task(executorPreference: executor) { await job.run() }
    }

    /// Head, body and end in one go, one flush. (Not as bytes below the HTTP encoder, which would be cheaper: the
    /// encoder pairs each response head with the method of a request it decoded, to leave the body out of answers
    /// to `HEAD`, and an answer it does not see shifts that pairing for every later one.)
    func writeWhole(_ head: HTTPResponse, body: ByteBuffer?, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func closeIfHeld(context: ChannelHandlerContext) {
        guard isIdle, let held = heldClose else { return }
        heldClose = nil
        context.close(mode: held.mode, promise: held.promise)
    }

    /// The answer is written: replay what waited, or close.
    func answered(context: ChannelHandlerContext, close: Bool) {
        state = .idle
        if close || heldClose != nil {
            // After `Connection: close` (or a failed write), as Hummingbird's loop ends the connection; whatever
            // was pipelined behind is dropped with it.
            waiting.removeAll()
            if heldClose == nil { heldClose = (.all, nil) }
            closeIfHeld(context: context)
            return
        }
        var passed = false
        while !waiting.isEmpty {
            if case .answering = state { break }
            switch waiting.removeFirst() {
            case .part(let part):
                if handle(part, context: context) {
                    context.fireChannelRead(wrapInboundOut(part))
                    passed = true
                }
            case .error(let error):
                context.fireErrorCaught(error)
            case .event(let event):
                context.fireUserInboundEventTriggered(event)
            }
        }
        if passed { context.fireChannelReadComplete() }
        if heldRead, waiting.isEmpty {
            heldRead = false
            context.read()
        }
    }

    /// Runs `body` on `loop`: at once when already there (the task's executor keeps it there), else by a hop.
    static func onLoop<T: Sendable>(_ loop: any EventLoop, _ body: @escaping @Sendable () -> T) async throws -> T {
        if loop.inEventLoop { return body() }
        return try await loop.submit(body).get()
    }
}
