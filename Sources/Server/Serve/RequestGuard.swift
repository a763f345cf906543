import ETLFramework
import HostSupport
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// How many connections are open, against the most served at once (`server.max_connections`).
final class ConnectionCount: Sendable {
    let limit: Int
    private let open = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a new connection; returns whether it is within the limit.
    func opened() -> Bool {
        open.add(1, ordering: .relaxed).newValue <= limit
    }

    func closed() {
        open.subtract(1, ordering: .relaxed)
    }

    var current: Int { open.load(ordering: .relaxed) }
}

/// Answers what the HTTP framework would otherwise answer on its own, on the HTTP/1 side of the
/// pipeline (right after the request decoder), so that every answer has the API's JSON error body,
/// `X-Request-Id` and `nosniff`:
///
/// - a request that cannot be read (headers or URL too large, malformed): `400`, then the
///   connection is closed at once (the framework's own answer had no body and left it open);
/// - a connection beyond ``ConnectionCount/limit``: its first request is answered (`/health` as
///   usual, anything else `503` with `Retry-After`), then it is closed; one that sends nothing is
///   closed after ``overLimitPatience``.
final class RequestGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let count: ConnectionCount
    private var counted = false
    private var overLimit = false
    /// Once an answer of its own is written, the rest of the connection's input is dropped.
    private var answered = false
    /// An over-limit connection being served (`/health`): closed after its answer.
    private var closeAfterAnswer = false

    static let overLimitPatience: TimeAmount = .seconds(5)
    static let probePaths: Set<String> = ["/health"]

    init(count: ConnectionCount) {
        self.count = count
    }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        overLimit = !count.opened()
        if overLimit {
            context.eventLoop.assumeIsolated().scheduleTask(in: Self.overLimitPatience) { [weak self] in
                guard let self, !self.closeAfterAnswer, !self.answered else { return }
                context.close(promise: nil)
            }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if counted { count.closed() }
        counted = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        if overLimit, case .head(var head) = unwrapInboundIn(data) {
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            guard Self.probePaths.contains(path), head.method == .GET || head.method == .HEAD else {
                answer(
                    context, status: .serviceUnavailable, code: "over_capacity",
                    message: "the server has \(count.limit) connections open, its limit (server.max_connections); retry later",
                    extra: [("Retry-After", "5")])
                return
            }
            closeAfterAnswer = true
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.fireChannelRead(wrapInboundOut(.head(head)))
            return
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard closeAfterAnswer, case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        context.writeAndFlush(data).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        promise?.succeed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parse = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answer(context, status: .badRequest, code: "bad_request", message: "the request cannot be read: \(Self.describe(parse))")
    }

    /// Writes a JSON error answer of the API's shape and closes the connection.
    private func answer(
        _ context: ChannelHandlerContext, status: HTTPResponseStatus, code: String, message: String,
        extra: [(String, String)] = []
    ) {
        answered = true
        let id = APIMiddleware.newID()
        var error = APIError(status: .init(code: Int(status.code)), code: code, message: message)
        error.details = [RawField("request_id", .string(id))]
        var body: [UInt8] = []
        error.body.appendJSON(to: &body)
        var headers = HTTPHeaders([
            ("Content-Type", "application/json; charset=utf-8"), ("Content-Length", String(body.count)), ("Connection", "close"),
            ("X-Request-Id", id), ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-cache"),
        ])
        headers.add(contentsOf: extra)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            // A lingering close: the answer is followed by the end of the output, so that the client
            // reads it whole even while it is still sending (closing with unread input would send a
            // reset, which can discard the answer); the connection is closed for good shortly after.
            context.close(mode: .output, promise: nil)
            context.eventLoop.assumeIsolated().scheduleTask(in: Self.lingering) { context.close(promise: nil) }
        }
    }

    static let lingering: TimeAmount = .seconds(2)

    static func describe(_ error: HTTPParserError) -> String {
        switch error {
        case .headerOverflow: "its request line or headers are too large"
        case .invalidURL: "its URL is not valid"
        case .invalidMethod: "its method is not valid"
        case .invalidVersion: "its HTTP version is not valid"
        case .invalidHeaderToken: "a header is not valid"
        case .invalidContentLength, .unexpectedContentLength: "its Content-Length is not valid"
        default: "it is not valid HTTP/1.1 (\(error))"
        }
    }
}
