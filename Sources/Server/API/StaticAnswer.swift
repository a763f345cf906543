import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An answer whose bytes never change while the process runs (the API document, the docs page):
/// a strong entity tag and the gzip form, both made once.
struct StaticAnswer: Sendable {
    let bytes: [UInt8]
    let contentType: String
    /// `"<128 bits of SHA-256, base64url>"`: strong, as every answer carries exactly these bytes.
    let entityTag: String
    let gzipped: ByteBuffer?

    init(bytes: [UInt8], contentType: String) {
        self.bytes = bytes
        self.contentType = contentType
        entityTag = EntityTags.tag(of: bytes, weak: false)
        gzipped = bytes.count >= Gzip.threshold ? try? Gzip.compress(ByteBuffer(bytes: bytes)) : nil
    }

    /// The answer for a request: `304` when its `If-None-Match` holds the tag, gzip when accepted.
    func response(_ context: APIRequestContext) -> Response {
        var headers: HTTPFields = [.eTag: entityTag, .vary: "Accept-Encoding"]
        if let condition = context.ifNoneMatch, EntityTags.match(condition, entityTag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = contentType
        if context.acceptsGzip, let gzipped {
            headers[.contentEncoding] = "gzip"
            headers[.contentLength] = String(gzipped.readableBytes)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: gzipped))
        }
        headers[.contentLength] = String(bytes.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
