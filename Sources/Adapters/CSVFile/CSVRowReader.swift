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
    var header: [String]?
    var finished = false
    /// The offset of the last checkpoint handed out (or resumed from).
    var committedOffset: Int64

    init(handle: FileHandle, displayPath: String, size: Int64, modified: Date, resume: CSVCheckpointState?) throws {
        self.handle = handle
        self.displayPath = displayPath
        self.size = size
        self.modified = modified
        self.header = resume.flatMap { $0.header.isEmpty ? nil : $0.header }
        self.committedOffset = resume?.offset ?? 0
        self.scanner = try CSVScanner(handle: handle, offset: resume?.offset ?? 0, line: resume?.line ?? 1)
    }

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
                rejections.append(Rejection(location: location(line), reason: reason, raw: raw))
            case .record(let fields, let line, _):
                guard let header else {
                    try readHeader(fields, line: line)
                    continue
                }
                guard fields.count == header.count else {
                    rejections.append(Rejection(
                        location: location(line),
                        reason: "row has \(fields.count) fields, the header has \(header.count)",
                        raw: fields.joined(separator: ",")))
                    continue
                }
                var payload: [RawField] = []
                payload.reserveCapacity(fields.count)
                for (name, value) in zip(header, fields) { payload.append(RawField(name, .string(value))) }
                records.append(RawRecord(payload: .object(payload), location: location(line), receivedAt: modified))
            }
        }
        // Nothing read and the position did not move: the file holds nothing new.
        if records.isEmpty, rejections.isEmpty, scanner.offset == committedOffset { return nil }
        committedOffset = scanner.offset
        let state = try CSVCheckpointState.make(
            handle: handle, size: size, modified: modified.timeIntervalSince1970, offset: scanner.offset,
            line: scanner.line, header: header ?? [])
        return SourceBatch(
            records: records, rejections: rejections,
            checkpoint: try Checkpoint(kind: CSVCheckpointState.kind, encoding: state))
    }

    mutating func readHeader(_ fields: [String], line: Int) throws {
        let names = fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<String>()
        for (index, name) in names.enumerated() {
            if name.isEmpty {
                throw CSVSourceError(path: "\(displayPath):\(line)", reason: "header column \(index + 1) has no name")
            }
            if !seen.insert(name).inserted {
                throw CSVSourceError(path: "\(displayPath):\(line)", reason: "header names column \"\(name)\" twice")
            }
        }
        header = names
    }

    func location(_ line: Int) -> RecordLocation {
        RecordLocation(line: line, description: "\(displayPath):\(line)")
    }
}
