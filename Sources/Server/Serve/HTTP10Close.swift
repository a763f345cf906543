import HTTPTypes
import NIOCore
import NIOHTTP1

/// HTTP/1.0 closes its connection after the answer unless the client asks to keep it alive. The
/// server keeps connections open unless a request says `Connection: close`, so such requests are
/// marked so, on the HTTP/1 side of the pipeline (where the version is still known).
final class HTTP10CloseMarker: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard case .head(var head) = part, head.version == .http1_0, !head.isKeepAlive else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}

/// Added where Hummingbird lets handlers in (after the HTTP/1 to HTTP types codec); on being added
/// it places ``RequestGuard`` and ``HTTP10CloseMarker`` right after the HTTP/1 request decoder,
/// then passes everything on.
final class HTTP1HandlerInstaller: ChannelInboundHandler, RemovableChannelHandler {
    // Parts pass through untouched (never unwrapped), so these only name what flows here.
    typealias InboundIn = HTTPTypes.HTTPRequest
    typealias InboundOut = HTTPTypes.HTTPRequest

    let connections: ConnectionCount

    init(connections: ConnectionCount) {
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
            try? pipeline.addHandler(HTTP10CloseMarker(), position: .after(decoder))
            try? pipeline.addHandler(RequestGuard(count: connections), position: .after(decoder))
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }
}
