import HTTPTypes
import Hummingbird
import NIOCore

/// Content coding for every answer: reads `Accept-Encoding` and `If-None-Match` into the request
/// context (cached answers use them to answer `304` or to send their members compressed once), and
/// gzips the other answers of at least ``Gzip/threshold`` bytes (JSON, HTML, the metrics text)
/// when the client accepts gzip. HEAD answers carry the headers the GET answer would.
struct RepresentationMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.acceptsGzip = Gzip.isAccepted(by: request.headers[.acceptEncoding])
        context.ifNoneMatch = request.headers[.ifNoneMatch]
        var response = try await next(request, context)
        guard response.status == .ok, request.method == .get || request.method == .head, response.headers[.contentEncoding] == nil,
            Self.isCompressible(response.headers[.contentType])
        else { return response }
        if response.headers[.vary] == nil { response.headers[.vary] = "Accept-Encoding" }
        guard context.acceptsGzip, (response.body.contentLength ?? Gzip.threshold) >= Gzip.threshold else { return response }
        let plain = try await Self.collect(response.body)
        guard plain.readableBytes >= Gzip.threshold else {
            response.body = .init(byteBuffer: plain)
            return response
        }
        let compressed = try Gzip.compress(plain)
        response.body = .init(byteBuffer: compressed)
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = String(compressed.readableBytes)
        return response
    }

    static func isCompressible(_ contentType: String?) -> Bool {
        // An event stream is sent as it happens, never collected.
        guard let type = contentType?.lowercased(), !type.hasPrefix("text/event-stream") else { return false }
        return type.hasPrefix("application/json") || type.hasPrefix("text/") || type.hasPrefix("application/problem+json")
    }

    /// The body's bytes, written into memory.
    static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let collected = Collected()
        try await body.write(Collector(into: collected))
        return collected.buffer
    }

    /// Where ``Collector`` writes; used by the one task answering the request.
    final class Collected {
        var buffer = ByteBuffer()
    }

    struct Collector: ResponseBodyWriter {
        let into: Collected

        mutating func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            into.buffer.writeBuffer(&buffer)
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
