import Tracing

/// A tracer whose ended spans go to a bounded ``SpanQueue``, from which an ``OTLPExporter`` sends
/// them. Reads and writes W3C `traceparent` / `tracestate` headers.
///
/// Every span is recorded (no sampling): a host's spans are few (one per run, batch, step and
/// request). An incoming trace that is not sampled is followed, not recorded.
public struct OTLPTracer: Tracer {
    public typealias Span = RecordingSpan
    let queue: SpanQueue

    public init(queue: SpanQueue) {
        self.queue = queue
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> RecordingSpan {
        let parent = context()
        let parentTrace = parent.traceContext
        let traceContext = TraceContext(
            traceID: parentTrace?.traceID ?? .random(), spanID: .random(), sampled: parentTrace?.sampled ?? true,
            traceState: parentTrace?.traceState)
        let queue = self.queue
        return RecordingSpan(
            name: operationName, context: parent, traceContext: traceContext, parentSpanID: parentTrace?.spanID, kind: kind,
            start: instant().nanosecondsSinceEpoch,
            onEnd: { span in if span.context.sampled { queue.offer(span) } })
    }

    public func forceFlush() {}

    public func inject<Carrier, Inject: Injector>(
        _ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject
    ) where Carrier == Inject.Carrier {
        guard let trace = context.traceContext else { return }
        injector.inject(trace.traceparent, forKey: "traceparent", into: &carrier)
        if let state = trace.traceState { injector.inject(state, forKey: "tracestate", into: &carrier) }
    }

    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract
    ) where Carrier == Extract.Carrier {
        guard let header = extractor.extract(key: "traceparent", from: carrier),
            let trace = TraceContext(traceparent: header, traceState: extractor.extract(key: "tracestate", from: carrier))
        else { return }
        context.traceContext = trace
    }
}
