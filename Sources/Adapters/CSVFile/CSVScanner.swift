import Foundation

/// A streaming RFC 4180 reader over a file: quoted fields with commas, doubled quotes and line breaks,
/// LF or CRLF endings, a UTF-8 byte order mark. Memory stays bounded by the longest record
/// (at most ``maxRecordBytes``), whatever the file size.
///
/// Every record keeps the line it starts on and the byte offset just past it, so a reader can
/// checkpoint between any two records and resume there.
struct CSVScanner {
    /// One record, or a span of the file that could not be read as one.
    enum Item {
        case record(fields: [String], line: Int, endOffset: Int64)
        case malformed(reason: String, line: Int, raw: String, endOffset: Int64)
    }

    static let maxRecordBytes = 1 << 20
    static let chunkSize = 1 << 18

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    /// File offset of `buffer[0]`.
    private var bufferOffset: Int64
    private var atEOF = false
    /// Line number of the byte at `position`.
    private(set) var line: Int

    /// The offset just past the last item returned.
    var offset: Int64 { bufferOffset + Int64(position) }

    init(handle: FileHandle, offset: Int64, line: Int) throws {
        self.handle = handle
        try handle.seek(toOffset: UInt64(offset))
        self.bufferOffset = offset
        self.line = line
        if offset == 0 {
            try fill()
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }
    }

    /// Reads more of the file, keeping bytes from `keepFrom` on. Returns false at end of file.
    private mutating func fill(keepFrom keep: Int? = nil) throws -> Bool {
        guard !atEOF else { return false }
        let keepFrom = keep ?? position
        if keepFrom > 0 {
            buffer.removeSubrange(0..<keepFrom)
            bufferOffset += Int64(keepFrom)
            position -= keepFrom
        }
        let data = try handle.read(upToCount: Self.chunkSize) ?? Data()
        if data.isEmpty {
            atEOF = true
            return false
        }
        buffer.append(contentsOf: data)
        return true
    }

    @discardableResult
    private mutating func fill() throws -> Bool { try fill(keepFrom: nil) }

    /// The next record or malformed span; `nil` at end of file. Blank lines are skipped.
    mutating func next() throws -> Item? {
        while true {
            if position >= buffer.count, !(try fill()) { return nil }
            switch parse(from: position) {
            case .needMore:
                if buffer.count - position > Self.maxRecordBytes {
                    return try skipOversized()
                }
                if !(try fill()) {
                    // End of file inside a record: parse once more treating the end as final.
                    return finishAtEOF()
                }
            case .blank(let end, let breaks):
                position = end
                line += breaks
            case .done(let item, let end, let breaks):
                position = end
                line += breaks
                return item
            }
        }
    }

    private enum Step {
        case needMore
        case blank(end: Int, breaks: Int)
        case done(Item, end: Int, breaks: Int)
    }

    private mutating func finishAtEOF() -> Item? {
        switch parse(from: position, final: true) {
        case .done(let item, let end, let breaks):
            position = end
            line += breaks
            return item
        case .blank(let end, let breaks):
            position = end
            line += breaks
            return nil
        case .needMore:
            let raw = text(position, buffer.count)
            let startLine = line
            line += buffer[position...].filter { $0 == 10 }.count
            position = buffer.count
            return .malformed(reason: "unterminated quoted field at end of file", line: startLine, raw: raw, endOffset: offset)
        }
    }

    /// Skips a record longer than ``maxRecordBytes`` whole, following its quoting to its real end
    /// (a quoted field may hold line breaks), without buffering it: one malformed item on the line it
    /// starts, and the lines after it keep their numbers.
    private mutating func skipOversized() throws -> Item {
        let startLine = line
        let raw = text(position, min(buffer.count, position + 1000))
        var inQuote = false
        var breaks = 0
        var ended = false
        while !ended {
            var index = position
            buffer.withUnsafeBufferPointer { bytes in
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    if byte == 34 {
                        inQuote.toggle()
                    } else if byte == 10 {
                        breaks += 1
                        if !inQuote {
                            ended = true
                            break
                        }
                    }
                }
            }
            position = index
            if !ended, !(try fill()) { break }
        }
        line += breaks
        return .malformed(
            reason: Self.oversizedReason + "\(Self.maxRecordBytes) bytes (lines \(startLine)-\(max(startLine, line - 1))); skipped whole",
            line: startLine, raw: raw, endOffset: offset)
    }

    static let oversizedReason = "record longer than "

    /// A header line that cannot be read fails the file: the next line must not be taken for it.
    static func headerError(_ item: Item, path: String) -> CSVSourceError? {
        guard case .malformed(let reason, let line, _, _) = item else { return nil }
        if reason.hasPrefix(oversizedReason) {
            return CSVSourceError(
                path: "\(path):\(line)",
                reason: "the header line is longer than \(maxRecordBytes) bytes, too long to be a header; is this a CSV file?")
        }
        return CSVSourceError(path: "\(path):\(line)", reason: "the header line cannot be read: \(reason)")
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: buffer[start..<min(end, start + 4000)], as: UTF8.self)
    }

    private func parse(from start: Int, final: Bool = false) -> Step {
        let quote: UInt8 = 34, comma: UInt8 = 44, cr: UInt8 = 13, lf: UInt8 = 10
        let count = buffer.count
        var fields: [String] = []
        var index = start
        var breaks = 0
        var problem: String?
        var current: [UInt8] = []
        return buffer.withUnsafeBufferPointer { bytes -> Step in
            func finishField(_ slice: UnsafeBufferPointer<UInt8>.SubSequence) {
                if let string = String(validating: UnsafeBufferPointer(rebasing: slice), as: UTF8.self) {
                    fields.append(string)
                } else {
                    problem = problem ?? "field \(fields.count + 1) is not valid UTF-8"
                    fields.append(String(decoding: slice, as: UTF8.self))
                }
            }
            func record(end: Int, breaks: Int) -> Step {
                if fields.count == 1, fields[0].isEmpty, problem == nil { return .blank(end: end, breaks: breaks) }
                let endOffset = bufferOffset + Int64(end)
                if let problem {
                    return .done(
                        .malformed(reason: problem, line: line, raw: text(start, end), endOffset: endOffset),
                        end: end, breaks: breaks)
                }
                return .done(.record(fields: fields, line: line, endOffset: endOffset), end: end, breaks: breaks)
            }
            while true {
                // One field.
                if index < count, bytes[index] == quote {
                    current.removeAll(keepingCapacity: true)
                    index += 1
                    var closed = false
                    while index < count {
                        let byte = bytes[index]
                        if byte == quote {
                            if index + 1 < count, bytes[index + 1] == quote {
                                current.append(quote)
                                index += 2
                                continue
                            }
                            if index + 1 >= count, !final { return .needMore }
                            index += 1
                            closed = true
                            break
                        }
                        if byte == lf { breaks += 1 }
                        current.append(byte)
                        index += 1
                    }
                    guard closed else { return .needMore }
                    current.withUnsafeBufferPointer { finishField($0[...]) }
                    if index < count, bytes[index] != comma, bytes[index] != cr, bytes[index] != lf {
                        problem = problem ?? "unexpected character after the closing quote of field \(fields.count)"
                        while index < count, bytes[index] != comma, bytes[index] != lf { index += 1 }
                    }
                } else {
                    let fieldStart = index
                    while index < count, bytes[index] != comma, bytes[index] != lf, bytes[index] != cr { index += 1 }
                    if index >= count, !final { return .needMore }
                    finishField(bytes[fieldStart..<index])
                }
                // Its delimiter.
                if index >= count {
                    guard final else { return .needMore }
                    return record(end: index, breaks: breaks)
                }
                switch bytes[index] {
                case comma:
                    index += 1
                    if index >= count, !final { return .needMore }
                case cr:
                    if index + 1 >= count, !final { return .needMore }
                    index += (index + 1 < count && bytes[index + 1] == lf) ? 2 : 1
                    return record(end: index, breaks: breaks + 1)
                default:
                    index += 1
                    return record(end: index, breaks: breaks + 1)
                }
            }
        }
    }
}
