import Tracing

/// The span of one transform step (or the normalizer) over one batch, made once the batch commits
/// from what the step reported: its times and its record counts.
struct StageSpan: Sendable {
    var index: Int
    var name: String
    var recordsIn: Int
    var recordsOut: Int
    var rejected: Int
    var filtered: Int
    var start: UInt64
    var end: UInt64

    init(_ report: StageReport) {
        index = report.index
        name = report.name
        recordsIn = report.recordsIn
        recordsOut = report.recordsOut
        rejected = report.rejections.count
        filtered = report.filtered
        start = report.startNanoseconds
        end = report.endNanoseconds
    }

    /// Records the span under `parent`.
    func record(under parent: any Span) {
        let span = startSpan(
            "transform \(name)", context: parent.context, at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: start))
        span.attributes["etl.step"] = name
        span.attributes["etl.step.index"] = index
        span.attributes["etl.rows_in"] = recordsIn
        span.attributes["etl.rows_out"] = recordsOut
        span.attributes["etl.rejected"] = rejected
        span.attributes["etl.filtered"] = filtered
        span.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: end))
    }
}

extension PipelineRunner.Load {
    /// Ends the batch's span once it committed, with its step spans and what the write stored.
    func traced(_ added: RunCounters) {
        guard let span else { return }
        for stage in stages { stage.record(under: span) }
        span.attributes["etl.records"] = records
        span.attributes["etl.processed"] = added.processed
        span.attributes["etl.quarantined"] = added.quarantined
        span.attributes["etl.skipped"] = added.skipped
        span.attributes["etl.filtered"] = added.filtered
        span.end()
    }
}
