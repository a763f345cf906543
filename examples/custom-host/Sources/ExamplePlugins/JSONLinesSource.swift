import ETLFramework
import Foundation
import Logging

// snippet: jsonl-declaration
/// `type: jsonl`: one JSON object per line of a local file, read on from where the last run
/// stopped. A line that is not a JSON object is rejected with its line number and the reason.
public struct JSONLinesSource: Source {
    public var type: String { "jsonl" }
    /// The file, absolute.
    public var path: String
    /// The file as the pipeline file names it, for locations (`data/markets.jsonl:12`).
    public var displayPath: String

    static let pathKey = ConfigKey.required("path", String.self, allowed: .notEmpty, "the JSON Lines file (relative to the pipeline file)")
    static let mappingKey = ConfigKey.optional(
        "mapping", FieldMapping.self, "unified field -> field path, over the default (the unified field names themselves)")

    static let registration = SourceRegistration(
        type: "jsonl", summary: "One JSON object per line of a local file, read on from where the last run stopped",
        config: ConfigSpec(pathKey, mappingKey)
    ) { config in
        let path = config[pathKey]
        let source = JSONLinesSource(path: config.context.resolve(path: path), displayPath: path)
        let mapping = FieldMapping(Dictionary(uniqueKeysWithValues: UnifiedField.allCases.map { ($0, $0.rawValue) }))
        return SourceSetup(source: source, defaults: NormalizerDefaults(mapping: mapping.overridden(by: config[mappingKey]), typedValues: true))
    }
    // end-snippet

    public init(path: String, displayPath: String) {
        self.path = path
        self.displayPath = displayPath
    }

    public var receiptTimeMeaning: String { "the file's modification time" }

    /// Where a read stopped: the byte after the last line read, and that line's number.
    struct Position: Codable {
        var offset: Int
        var line: Int
    }

    public func open(resumingFrom checkpoint: Checkpoint?, logger: Logger) async throws -> any SourceReader {
        let file = try RegularFile(opening: path, displayPath: displayPath)
        defer { try? file.handle.close() }
        var position = checkpoint?.decode(Position.self, kind: type) ?? Position(offset: 0, line: 0)
        if position.offset > file.size {
            logger.notice("the file is shorter than where the last run stopped: read from the start", metadata: ["path": "\(displayPath)"])
            position = Position(offset: 0, line: 0)
        }
        try file.handle.seek(toOffset: UInt64(position.offset))
        let rest = [UInt8](try file.handle.readToEnd() ?? Data())
        return Reader(source: self, bytes: rest, start: position, receivedAt: file.modified)
    }

    public func recorded(at path: String, logger: Logger) async throws -> any SourceReader {
        let file = try RegularFile(opening: path)
        defer { try? file.handle.close() }
        return Reader(
            source: self, bytes: [UInt8](try file.handle.readToEnd() ?? Data()), start: Position(offset: 0, line: 0), receivedAt: file.modified)
    }

    /// Hands out the lines after the checkpoint in batches; only whole lines (ending in a newline)
    /// are read, so a line being written is left for the next run.
    struct Reader: SourceReader {
        let source: JSONLinesSource
        let bytes: [UInt8]
        let start: Position
        let receivedAt: Date
        var cursor = 0
        var line: Int

        init(source: JSONLinesSource, bytes: [UInt8], start: Position, receivedAt: Date) {
            self.source = source
            self.bytes = bytes
            self.start = start
            self.receivedAt = receivedAt
            self.line = start.line
        }

        var progress: Double? { bytes.isEmpty ? nil : Double(cursor) / Double(bytes.count) }

        mutating func nextBatch(maxRecords: Int) async throws -> SourceBatch? {
            var records: [RawRecord] = []
            var rejections: [Rejection] = []
            while records.count + rejections.count < maxRecords, let end = bytes[cursor...].firstIndex(of: UInt8(ascii: "\n")) {
                let text = bytes[cursor..<end]
                cursor = end + 1
                line += 1
                if text.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
                let location = RecordLocation(line: line, description: "\(source.displayPath):\(line)")
                do {
                    let value = try RawJSON.parse(text)
                    guard case .object = value else {
                        rejections.append(
                            Rejection(location: location, reason: "the line is JSON but not an object", raw: String(decoding: text, as: UTF8.self)))
                        continue
                    }
                    records.append(RawRecord(payload: value, location: location, receivedAt: receivedAt))
                } catch {
                    rejections.append(Rejection(location: location, reason: error.description, raw: String(decoding: text, as: UTF8.self)))
                }
            }
            guard !records.isEmpty || !rejections.isEmpty else { return nil }
            let checkpoint = try Checkpoint(kind: source.type, encoding: Position(offset: start.offset + cursor, line: line))
            return SourceBatch(records: records, rejections: rejections, checkpoint: checkpoint)
        }
    }
}
