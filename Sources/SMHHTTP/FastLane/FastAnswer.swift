import HTTPTypes
import Hummingbird
import NIOCore

/// One request answered in the fast lane, by a task of its own on the connection's event loop.
struct FastAnswer: Sendable {
    let head: HTTPRequest
    let responder: RouterResponder<SMHRequestContext>
    let lane: FastLane
    let channel: any Channel
    let bound: NIOLoopBound<FastLaneHandler.Place>

    func run() async {
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer()))
        let requestContext = SMHRequestContext(source: .init(channel: channel, logger: lane.logger))
        var response: Response
        do {
            response = try await responder.respond(to: request, context: requestContext)
        } catch {
            // As Hummingbird's own loop answers an error that reached it (the request frame turns every error of
            // ours into SMH's JSON body before this).
            response = Response(status: .internalServerError)
        }
        response.headers[.date] = lane.dates.current
        response.headers[.server] = FastLane.serverName
        var completed = true
        do {
            try await response.body.write(FastLaneBodyWriter(head: response.head, bound: bound))
        } catch {
            completed = false
        }
        let close = !completed || head.headerFields[.connection]?.lowercased() == "close"
        let bound = self.bound
        try? await FastLaneHandler.onLoop(bound.eventLoop) {
            bound.value.handler.answered(context: bound.value.context, close: close)
        }
    }
}
