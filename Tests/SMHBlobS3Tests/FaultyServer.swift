import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A misbehaving S3 endpoint for fault tests: each request is answered as `script` says for the n-th request seen
/// (from 1), so retries, error bodies, cut streams and dropped connections can be produced on purpose.
final class FaultyServer: Sendable {
    enum Answer: Sendable {
        case status(Int, body: String = "")
        /// Announces `announced` bytes, sends `sent`, then closes the connection.
        case truncated(announced: Int, sent: Int)
        /// Closes the connection without answering.
        case hangUp
    }

    let channel: any Channel
    private let seen = NIOLockedValueBox<[String]>([])

    var port: Int { channel.localAddress!.port! }
    var requests: [String] { seen.withLockedValue { $0 } }

    init(_ script: @escaping @Sendable (_ number: Int, _ method: String, _ uri: String) -> Answer) async throws {
        let seen = self.seen
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(seen: seen, script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func close() async throws { try await channel.close() }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let seen: NIOLockedValueBox<[String]>
        let script: @Sendable (Int, String, String) -> Answer
        var head: HTTPRequestHead?

        init(seen: NIOLockedValueBox<[String]>, script: @escaping @Sendable (Int, String, String) -> Answer) {
            self.seen = seen
            self.script = script
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): self.head = head
            case .body: break
            case .end:
                guard let head else { return }
                let number = seen.withLockedValue {
                    $0.append("\(head.method.rawValue) \(head.uri)")
                    return $0.count
                }
                answer(script(number, head.method.rawValue, head.uri), head: head, context: context)
            }
        }

        func answer(_ answer: Answer, head: HTTPRequestHead, context: ChannelHandlerContext) {
            switch answer {
            case .hangUp:
                context.close(promise: nil)
            case .status(let code, let body):
                var headers = HTTPHeaders([("Content-Length", String(body.utf8.count))])
                headers.add(name: "Content-Type", value: "application/xml")
                context.write(
                    wrapOutboundOut(
                        .head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: code), headers: headers))),
                    promise: nil)
                if head.method != .HEAD && !body.isEmpty {
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .truncated(let announced, let sent):
                let headers = HTTPHeaders([("Content-Length", String(announced))])
                context.write(
                    wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                    promise: nil)
                let bytes = ByteBuffer(repeating: 7, count: sent)
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(bytes)))).whenComplete { _ in
                    context.close(promise: nil)
                }
            }
        }
    }
}
