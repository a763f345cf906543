import CompressNIO
import NIOCore

/// gzip (RFC 1952) as the API answers with it.
enum Gzip {
    /// Deflate, no file name, no modification time, from a Unix system.
    static let header: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]

    /// Answers smaller than this are sent as they are: compressing them saves less than it costs.
    static let threshold = 1024

    /// Whether an `Accept-Encoding` value accepts gzip (RFC 9110 12.5.3: `gzip`, `x-gzip` or `*`,
    /// with a quality above zero).
    static func isAccepted(by acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        var gzip: Double?, any: Double?
        for item in acceptEncoding.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, !coding.isEmpty else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            switch coding {
            case "gzip", "x-gzip": gzip = quality
            case "*": any = quality
            default: break
            }
        }
        return (gzip ?? any ?? 0) > 0
    }

    /// `bytes` as one gzip member.
    static func compress(_ bytes: ByteBuffer) throws -> ByteBuffer {
        var input = bytes
        return try input.compress(with: .gzip())
    }
}

/// Raw deflate (RFC 1951) of whole inputs.
enum Deflate {
    /// `bytes` deflated by a fresh compressor: ending in the final block when `final`, otherwise with a
    /// sync flush (byte-aligned, more blocks may follow).
    static func raw(_ bytes: [UInt8], final: Bool) throws -> [UInt8] {
        let compressor = CompressionAlgorithm.deflate().compressor
        try compressor.startStream()
        defer { try? compressor.finishStream() }
        var input = ByteBuffer(bytes: bytes)
        var output = ByteBuffer()
        output.reserveCapacity(compressor.maxSize(from: input) + 16)
        try compressor.streamDeflate(from: &input, to: &output, flush: final ? .finish : .sync)
        return Array(output.readableBytesView)
    }
}

/// CRC-32 (ISO-HDLC, as gzip uses it).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// The CRC of the bytes before (`crc`, 0 for none) followed by `bytes`.
    static func update(_ crc: UInt32, _ bytes: some Sequence<UInt8>) -> UInt32 {
        var value = ~crc
        for byte in bytes { value = table[Int((value ^ UInt32(byte)) & 0xff)] ^ (value >> 8) }
        return ~value
    }
}
