import Foundation

/// What a tap is sent: a record leaving the watched point, a record it rejected, or the start or
/// end of a run.
public enum TapEvent: Sendable {
    case record(TapRecord)
    case run(pipeline: String, runID: RunID, phase: RunPhase, status: RunStatus?)

    /// Whether a run started or finished.
    public enum RunPhase: String, Sendable {
        case started, finished
    }

    /// Whether a full buffer may drop it (records; never the start or end of a run).
    var isRecord: Bool {
        if case .record = self { return true }
        return false
    }

    /// The Server-Sent Events name of this event: `record`, `rejected` or `run`.
    public var name: String {
        switch self {
        case .record(let record): record.rejection == nil ? "record" : "rejected"
        case .run: "run"
        }
    }

    /// The event as one line of JSON, as `host tap` prints it.
    public var json: RawValue {
        switch self {
        case .record(let record):
            return record.json
        case .run(let pipeline, let runID, let phase, let status):
            var fields = [
                RawField("event", .string("run")), RawField("pipeline", .string(pipeline)),
                RawField("run_id", .number(String(runID.rawValue))), RawField("phase", .string(phase.rawValue)),
            ]
            if let status { fields.append(RawField("status", .string(status.rawValue))) }
            return .object(fields)
        }
    }
}

/// One record seen at a tapped point.
public struct TapRecord: Sendable {
    public var pipeline: String
    public var runID: RunID
    /// The batch of the run it belongs to, from 1.
    public var batch: Int
    public var pointIndex: Int
    public var point: String
    /// Where the record came from: `file.csv:14`, or a page.
    public var origin: RecordLocation
    public var content: Content

    public enum Content: Sendable {
        /// The fields of a record leaving the source or a step.
        case fields(RawValue)
        /// A unified record leaving the normalizer.
        case quote(Quote)
        /// A record the point rejected: the field at fault, why, and the raw record as read.
        case rejected(field: String?, reason: String, raw: String)
    }

    var rejection: String? {
        if case .rejected(_, let reason, _) = content { return reason }
        return nil
    }

    /// `{"event", "pipeline", "run_id", "batch", "step", "index", "origin", ...}` with `record`,
    /// or `field`, `reason` and `raw` for a rejection.
    public var json: RawValue {
        var fields = [
            RawField("event", .string(rejection == nil ? "record" : "rejected")), RawField("pipeline", .string(pipeline)),
            RawField("run_id", .number(String(runID.rawValue))), RawField("batch", .number(String(batch))),
            RawField("step", .string(point)), RawField("index", .number(String(pointIndex))),
            RawField("origin", .string(origin.description)),
        ]
        switch content {
        case .fields(let payload):
            fields.append(RawField("record", payload))
        case .quote(let quote):
            fields.append(RawField("record", Self.json(quote)))
        case .rejected(let field, let reason, let raw):
            fields.append(RawField("field", field.map { .string($0) } ?? .null))
            fields.append(RawField("reason", .string(reason)))
            fields.append(RawField("raw", .string(raw)))
        }
        return .object(fields)
    }

    /// A unified record with the names the API uses: decimals and the rank as numbers, the rest
    /// as text, then the asset key.
    static func json(_ quote: Quote) -> RawValue {
        .object(
            UnifiedField.allCases.map { field in
                let value = quote.text(of: field).map { text -> RawValue in
                    Self.numericFields.contains(field) ? .number(text) : .string(text)
                }
                return RawField(field == .id ? "source_asset_id" : field.rawValue, value ?? .null)
            } + [RawField("asset_key", .string(quote.assetKey))])
    }

    static let numericFields: Set<UnifiedField> = [.priceUSD, .marketCapUSD, .volume24hUSD, .percentChange24h, .rank]
}
