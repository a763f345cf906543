import ETLFramework
import Foundation
import NIOCore
import Synchronization

/// The data part of a JSON answer (its members, without the braces and the request's `meta`) as it
/// is cached: with its entity tag, computed once from those bytes, and its gzip-compressed form,
/// made once on the first request that accepts gzip.
///
/// The `meta` of each answer (request id, latency) differs on every request, so the whole body can
/// be neither tagged strongly nor compressed ahead; the members can. The tag is weak
/// (`W/"..."`, RFC 9110 8.8.1): answers with the same tag carry the same data, not the same bytes.
final class CachedAnswer: Sendable, CacheSized {
    let members: [UInt8]
    /// `W/"<128 bits of SHA-256 of the members, base64url>"`: the same on every host for the same data.
    let entityTag: String
    private let compressed = Mutex<GzipParts?>(nil)

    init(_ members: [UInt8]) {
        self.members = members
        entityTag = EntityTags.tag(of: members, weak: true)
    }

    var cacheBytes: Int { members.count + 64 + (compressed.withLock { $0?.bytes.count } ?? 0) }

    /// `"{" + members`, raw-deflated once and flushed to a byte boundary, with the CRC-32 and length of
    /// those bytes: what a gzip answer starts with.
    func gzipParts() throws -> GzipParts {
        if let parts = compressed.withLock({ $0 }) { return parts }
        let parts = try GzipParts(head: [UInt8(ascii: "{")] + members)
        compressed.withLock { $0 = parts }
        return parts
    }
}

/// The compressed start of a gzip body whose end differs per answer: a raw deflate stream of the
/// start, ended with a sync flush, to which a separately deflated end is appended (deflate blocks
/// concatenate; the end's back-references stay within the end).
struct GzipParts: Sendable {
    /// Raw deflate of the start, not final, byte-aligned.
    let bytes: [UInt8]
    /// CRC-32 state after the start's uncompressed bytes.
    let crc: UInt32
    let length: Int

    init(head: [UInt8]) throws {
        bytes = try Deflate.raw(head, final: false)
        crc = CRC32.update(0, head)
        length = head.count
    }

    /// The whole gzip member: header, the start, `tail` deflated as the final block, trailer.
    func body(appending tail: [UInt8]) throws -> ByteBuffer {
        let end = try Deflate.raw(tail, final: true)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(10 + bytes.count + end.count + 8)
        buffer.writeBytes(Gzip.header)
        buffer.writeBytes(bytes)
        buffer.writeBytes(end)
        buffer.writeInteger(CRC32.update(crc, tail), endianness: .little)
        buffer.writeInteger(UInt32(truncatingIfNeeded: length + tail.count), endianness: .little)
        return buffer
    }
}
