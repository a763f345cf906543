import ETLFramework
import Foundation

/// One pass over a CSV file: turns scanned records into raw records and rejections, batch by batch,
/// each batch closed by the checkpoint of the offset reached.
struct CSVRowReader: SourceReader {
    let handle: FileHandle
    let displayPath: String
    let size: Int64
    let modified: Date
    var scanner: CSVScanner
    let columns: CSVColumns
    var header: [String]?
    /// Positions of the header's columns that records keep.
    var kept: [Int] = []
    var finished = false
    /// The offset of the last checkpoint handed out (or resumed from).
    var committedOffset: Int64
    /// Why the file is read again from the start although a checkpoint said it was read, if it is.
    var rereadReason: String?

    var summary: String? {
        rereadReason.map { "\(displayPath) was read again from the start: \($0)" }
    }

    init(
        handle: FileHandle, displayPath: String, size: Int64, modified: Date, columns: CSVColumns, resume: CSVCheckpointState?,
        rereadReason: String? = nil
    ) throws {
        self.handle = handle
        self.rereadReason = rereadReason
        self.displayPath = displayPath
        self.size = size
        self.modified = modified
        self.columns = columns
        self.committedOffset = resume?.offset ?? 0
        self.scanner = try CSVScanner(handle: handle, offset: resume?.offset ?? 0, line: resume?.line ?? 1)
        if let saved = resume.flatMap({ $0.header.isEmpty ? nil : $0.header }) {
            try useHeader(fromFile: saved, line: resume?.line ?? 1)
        } else if !columns.headerRow {
            try useHeader(fromFile: nil, line: 1)
        }
    }

    var fieldNames: [String]? { header.map { header in kept.map { header[$0] } } }

    var progress: Double? {
        size > 0 ? min(1, Double(scanner.offset) / Double(size)) : 1
    }

    mutating func nextBatch(maxRecords: Int) async throws -> SourceBatch? {
        guard !finished else { return nil }
        var records: [RawRecord] = []
        var rejections: [Rejection] = []
        records.reserveCapacity(maxRecords)
        while records.count + rejections.count < maxRecords {
            guard let item = try scanner.next() else {
                finished = true
                break
            }
            switch item {
            case .malformed(let reason, let line, let raw, _):
                if header == nil, let error = CSVScanner.headerError(item, path: displayPath) { throw error }
                rejections.append(Rejection(location: location(line), reason: reason, raw: raw))
            case .record(let fields, let line, _):
                guard let header else {
                    try useHeader(fromFile: fields, line: line)
                    continue
                }
                guard fields.count == header.count else {
                    rejections.append(
                        Rejection(
                            location: location(line),
                            reason: "row has \(fields.count) fields, the header has \(header.count)",
                            raw: fields.joined(separator: ",")))
                    continue
                }
                var payload: [RawField] = []
                payload.reserveCapacity(fields.count)
                for index in kept { payload.append(RawField(header[index], .string(fields[index]))) }
                records.append(RawRecord(payload: .object(payload), location: location(line), receivedAt: modified))
            }
        }
        // Nothing read and the position did not move: the file holds nothing new.
        if records.isEmpty, rejections.isEmpty, scanner.offset == committedOffset { return nil }
        committedOffset = scanner.offset
        let state = try CSVCheckpointState.make(
            handle: handle, size: size, modified: modified.timeIntervalSince1970, offset: scanner.offset,
            line: scanner.line, header: header ?? [], atEnd: finished || scanner.offset >= size)
        return SourceBatch(
            records: records, rejections: rejections,
            checkpoint: try Checkpoint(kind: CSVCheckpointState.kind, encoding: state))
    }

    /// Settles the column names (from the file's header line, or `header:`) and the columns kept.
    mutating func useHeader(fromFile fields: [String]?, line: Int) throws {
        do {
            let names = try columns.header(fromFile: fields)
            kept = try columns.kept(in: names)
            header = names
        } catch {
            throw CSVSourceError(path: "\(displayPath):\(line)", reason: error.reason)
        }
    }

    func location(_ line: Int) -> RecordLocation {
        RecordLocation(line: line, description: "\(displayPath):\(line)")
    }
}
