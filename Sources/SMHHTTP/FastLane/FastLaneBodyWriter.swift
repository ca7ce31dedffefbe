import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Writes a fast answer. An answer of one buffer (nearly all of the API's) is written with its head and end at once;
/// longer bodies go part by part, waiting for the socket whenever the channel stops being writable.
struct FastLaneBodyWriter: ResponseBodyWriter {
    /// The head and first body buffer, held until it is known whether more follow.
    private var heldHead: HTTPResponse?
    private var heldBody: ByteBuffer?
    let bound: NIOLoopBound<FastLaneHandler.Place>

    init(head: HTTPResponse, bound: NIOLoopBound<FastLaneHandler.Place>) {
        self.heldHead = head
        self.bound = bound
    }

    mutating func write(_ buffer: ByteBuffer) async throws {
        if heldHead != nil, heldBody == nil {
            heldBody = buffer
            return
        }
        try await releaseHeld()
        try await send(.body(buffer))
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        if let head = heldHead, trailingHeaders == nil {
            let body = heldBody
            let bound = self.bound
            try await FastLaneHandler.onLoop(bound.eventLoop) {
                bound.value.handler.writeWhole(head, body: body, context: bound.value.context)
            }
            return
        }
        try await releaseHeld()
        let bound = self.bound
        try await FastLaneHandler.onLoop(bound.eventLoop) {
            bound.value.context.writeAndFlush(NIOAny(HTTPResponsePart.end(trailingHeaders)), promise: nil)
        }
    }

    /// The held head and buffer, through the codec.
    private mutating func releaseHeld() async throws {
        guard let head = heldHead else { return }
        heldHead = nil
        let bound = self.bound
        try await FastLaneHandler.onLoop(bound.eventLoop) {
            bound.value.context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
        }
        if let body = heldBody {
            heldBody = nil
            try await send(.body(body))
        }
    }

    private func send(_ part: HTTPResponsePart) async throws {
        let loop = bound.eventLoop
        if loop.inEventLoop {
            let context = bound.value.context
            if context.channel.isWritable {
                context.write(NIOAny(part), promise: nil)
                return
            }
        }
        let bound = self.bound
        try await loop.flatSubmit {
            let promise = loop.makePromise(of: Void.self)
            bound.value.context.writeAndFlush(NIOAny(part), promise: promise)
            return promise.futureResult
        }.get()
    }
}
