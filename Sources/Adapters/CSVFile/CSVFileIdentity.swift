import Crypto
import Foundation

/// What identifies a CSV file between runs, and how far it was read: size and modification time
/// when last read, hashes of its head and of the bytes just before the offset reached, the offset and
/// line reached, and the header (needed to read rows after resuming).
///
/// A file that still has the same head and the same bytes before the offset was appended to (resume);
/// anything else was replaced (read again from the start, idempotently).
///
/// The checkpoint taken at the end of the file also holds ``sampleHash``, a hash of what was read:
/// all of it up to ``fullHashLimit`` bytes, else ``sampleCount`` blocks of ``sampleBlock`` bytes
/// spread evenly over it. It catches a file rewritten in place with the same size and modification
/// time (a restore, `rsync -t`), which the head and the tail alone miss when the change is in the
/// middle. Beyond the limit a change that falls between the blocks is not seen.
struct CSVCheckpointState: Codable, Sendable, Hashable {
    var size: Int64
    var modified: Double
    var headHash: String
    var headLength: Int64
    var tailHash: String
    var offset: Int64
    var line: Int
    var header: [String]
    /// Absent in checkpoints taken before the end of the file, and in those of earlier versions.
    var sampleHash: String?

    static let fullHashLimit: Int64 = 16 << 20
    static let sampleBlock: Int64 = 4096
    static let sampleCount: Int64 = 256

    static let kind = "csv"
    static let headWindow: Int64 = 64 * 1024
    static let tailWindow: Int64 = 4 * 1024

    /// How the file on disk relates to this checkpoint.
    enum Verdict: Equatable {
        case unchanged
        case appended
        case replaced(String)
    }

    func verdict(for handle: FileHandle, size currentSize: Int64) throws -> Verdict {
        if currentSize < offset {
            return .replaced("it is now \(currentSize) bytes, shorter than the \(offset) already read")
        }
        if try Self.hash(handle, from: 0, length: headLength) != headHash {
            return .replaced("its first \(headLength) bytes changed")
        }
        let tailStart = max(0, offset - Self.tailWindow)
        if try Self.hash(handle, from: tailStart, length: offset - tailStart) != tailHash {
            return .replaced("the bytes before offset \(offset) changed")
        }
        if let sampleHash, try Self.sampleHash(handle, upTo: offset) != sampleHash {
            return .replaced(
                offset <= Self.fullHashLimit
                    ? "its content changed (same first and last bytes, different bytes between them)"
                    : "its content changed (a sampled block between its first and last bytes differs)")
        }
        return currentSize == offset ? .unchanged : .appended
    }

    /// The state at `offset`; `atEnd` when the file was read to its end (the sample hash is taken then).
    static func make(
        handle: FileHandle, size: Int64, modified: Double, offset: Int64, line: Int, header: [String], atEnd: Bool
    ) throws -> CSVCheckpointState {
        let headLength = min(headWindow, offset)
        let tailStart = max(0, offset - tailWindow)
        return CSVCheckpointState(
            size: size, modified: modified, headHash: try hash(handle, from: 0, length: headLength),
            headLength: headLength, tailHash: try hash(handle, from: tailStart, length: offset - tailStart),
            offset: offset, line: line, header: header, sampleHash: atEnd ? try sampleHash(handle, upTo: offset) : nil)
    }

    /// Hex SHA-256 of the first `offset` bytes, or of ``sampleCount`` evenly spread blocks of them.
    static func sampleHash(_ handle: FileHandle, upTo offset: Int64) throws -> String {
        let saved = try handle.offset()
        defer { try? handle.seek(toOffset: saved) }
        var hasher = SHA256()
        if offset <= fullHashLimit {
            try handle.seek(toOffset: 0)
            var left = offset
            while left > 0, let data = try handle.read(upToCount: Int(min(left, 1 << 20))), !data.isEmpty {
                hasher.update(data: data)
                left -= Int64(data.count)
            }
        } else {
            let stride = (offset - sampleBlock) / (sampleCount - 1)
            for index in 0..<sampleCount {
                try handle.seek(toOffset: UInt64(index * stride))
                hasher.update(data: try handle.read(upToCount: Int(sampleBlock)) ?? Data())
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Hex SHA-256 of `length` bytes at `from`; leaves the handle's position where it was.
    static func hash(_ handle: FileHandle, from start: Int64, length: Int64) throws -> String {
        let saved = try handle.offset()
        defer { try? handle.seek(toOffset: saved) }
        try handle.seek(toOffset: UInt64(start))
        let data = length > 0 ? (try handle.read(upToCount: Int(length)) ?? Data()) : Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
