import ETLFramework
import Foundation
import Logging

/// A source over records held in memory, read in order and resumed by position: the input of the
/// store and transform suites, and of any test that needs records without a file or a server.
///
/// Each payload is a record unless it is not a JSON object, in which case it is rejected, as a
/// source rejects a record it cannot read. Locations are `NAME:N` (1-based), like a file's lines.
public struct RecordedSource: Source {
    public let type: String
    /// The name in each record's location.
    public var name: String
    public var payloads: [RawValue]
    /// The receipt time of every record.
    public var receivedAt: Date

    public init(type: String = "recorded", name: String = "recorded", payloads: [RawValue], receivedAt: Date = Date()) {
        self.type = type
        self.name = name
        self.payloads = payloads
        self.receivedAt = receivedAt
    }

    /// Records from comma-separated lines whose cells are named by `columns` (no quoting), the way
    /// a CSV source gives them: every value a string, an empty cell an absent field.
    public init(type: String = "recorded", name: String = "recorded", columns: [String], lines: [String], receivedAt: Date = Date()) {
        let payloads = lines.map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return RawValue.object(
                zip(columns, cells).filter { !$0.1.isEmpty }.map { RawField($0.0, .string($0.1)) })
        }
        self.init(type: type, name: name, payloads: payloads, receivedAt: receivedAt)
    }

    public func open(resumingFrom checkpoint: Checkpoint?, logger: Logger) async throws -> any SourceReader {
        let start = checkpoint?.decode(Position.self, kind: type)?.next ?? 0
        return Reader(source: self, next: min(start, payloads.count))
    }

    /// The checkpoint state: the index of the next record to read.
    struct Position: Codable {
        var next: Int
    }

    struct Reader: SourceReader {
        let source: RecordedSource
        var next: Int

        var progress: Double? { source.payloads.isEmpty ? nil : Double(next) / Double(source.payloads.count) }

        var fieldNames: [String]? {
            for payload in source.payloads { if case .object(let fields) = payload { return fields.map(\.name) } }
            return nil
        }

        mutating func nextBatch(maxRecords: Int) async throws -> SourceBatch? {
            guard next < source.payloads.count else { return nil }
            let end = min(next + max(maxRecords, 1), source.payloads.count)
            var records: [RawRecord] = []
            var rejections: [Rejection] = []
            for index in next..<end {
                let location = RecordLocation(line: index + 1, description: "\(source.name):\(index + 1)")
                let payload = source.payloads[index]
                if case .object = payload {
                    records.append(RawRecord(payload: payload, location: location, receivedAt: source.receivedAt))
                } else {
                    rejections.append(Rejection(location: location, reason: "not a JSON object", raw: payload.jsonText))
                }
            }
            next = end
            return SourceBatch(
                records: records, rejections: rejections, checkpoint: try Checkpoint(kind: source.type, encoding: Position(next: end)))
        }
    }
}
