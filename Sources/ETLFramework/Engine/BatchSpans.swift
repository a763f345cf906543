import Tracing

extension StageReport {
    /// Records this step's span over its batch under the batch's span, from the step's own times and
    /// counts (the step has run; the span is made after the fact).
    func record(under parent: any Span) {
        let span = startSpan(
            "transform \(name)", context: parent.context, at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: startNanoseconds))
        span.attributes["etl.step"] = name
        span.attributes["etl.step.index"] = index
        span.attributes["etl.rows_in"] = recordsIn
        span.attributes["etl.rows_out"] = recordsOut
        span.attributes["etl.rejected"] = rejections.count
        span.attributes["etl.filtered"] = filtered
        span.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: endNanoseconds))
    }
}

extension PipelineRunner.Load {
    /// Ends the batch's span once it committed, with what the write stored.
    func traced(_ added: RunCounters) {
        guard let span else { return }
        span.attributes["etl.records"] = records
        span.attributes["etl.processed"] = added.processed
        span.attributes["etl.quarantined"] = added.quarantined
        span.attributes["etl.skipped"] = added.skipped
        span.attributes["etl.filtered"] = added.filtered
        span.end()
    }
}
