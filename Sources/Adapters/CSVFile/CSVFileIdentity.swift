import Crypto
import Foundation

/// What identifies a CSV file between runs, and how far it was read: size and modification time
/// when last read, hashes of its head and of the bytes just before the offset reached, the offset and
/// line reached, and the header (needed to read rows after resuming).
///
/// A file that still has the same head and the same bytes before the offset was appended to (resume);
/// anything else was replaced (read again from the start, idempotently).
struct CSVCheckpointState: Codable, Sendable, Hashable {
    var size: Int64
    var modified: Double
    var headHash: String
    var headLength: Int64
    var tailHash: String
    var offset: Int64
    var line: Int
    var header: [String]

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
        return currentSize == offset ? .unchanged : .appended
    }

    static func make(
        handle: FileHandle, size: Int64, modified: Double, offset: Int64, line: Int, header: [String]
    ) throws -> CSVCheckpointState {
        let headLength = min(headWindow, offset)
        let tailStart = max(0, offset - tailWindow)
        return CSVCheckpointState(
            size: size, modified: modified, headHash: try hash(handle, from: 0, length: headLength),
            headLength: headLength, tailHash: try hash(handle, from: tailStart, length: offset - tailStart),
            offset: offset, line: line, header: header)
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
