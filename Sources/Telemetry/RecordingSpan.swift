import Synchronization
import Tracing

/// A span of ``OTLPTracer``: records until it ends, then hands itself to the tracer's queue.
public final class RecordingSpan: Span {
    public let context: InstrumentationContext
    let traceContext: TraceContext
    let parentSpanID: SpanID?
    let kind: SpanKind
    let start: UInt64
    private let state: Mutex<State>
    private let onEnd: @Sendable (FinishedSpan) -> Void

    struct State {
        var name: String
        var attributes: SpanAttributes = [:]
        var events: [SpanEvent] = []
        var links: [TraceContext] = []
        var status: SpanStatus?
        var ended = false
    }

    init(
        name: String, context: InstrumentationContext, traceContext: TraceContext, parentSpanID: SpanID?, kind: SpanKind,
        start: UInt64, onEnd: @escaping @Sendable (FinishedSpan) -> Void
    ) {
        var context = context
        context.traceContext = traceContext
        self.context = context
        self.traceContext = traceContext
        self.parentSpanID = parentSpanID
        self.kind = kind
        self.start = start
        self.state = Mutex(State(name: name))
        self.onEnd = onEnd
    }

    public var operationName: String {
        get { state.withLock { $0.name } }
        set { state.withLock { if !$0.ended { $0.name = newValue } } }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set { state.withLock { if !$0.ended { $0.attributes = newValue } } }
    }

    public var isRecording: Bool { state.withLock { !$0.ended } }

    public func setStatus(_ status: SpanStatus) {
        state.withLock { state in
            // An error stays an error (the specification's order: Ok > Error > Unset, Ok is final).
            guard !state.ended, state.status?.code != .ok else { return }
            state.status = status
        }
    }

    public func addEvent(_ event: SpanEvent) {
        state.withLock { if !$0.ended { $0.events.append(event) } }
    }

    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        var attributes = attributes
        attributes["exception.type"] = "\(type(of: error))"
        attributes["exception.message"] = "\(error)"
        addEvent(SpanEvent(name: "exception", at: instant(), attributes: attributes))
    }

    public func addLink(_ link: SpanLink) {
        guard let linked = link.context.traceContext else { return }
        state.withLock { if !$0.ended { $0.links.append(linked) } }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let finished = state.withLock { state -> FinishedSpan? in
            guard !state.ended else { return nil }
            state.ended = true
            return FinishedSpan(
                name: state.name, kind: kind, context: traceContext, parentSpanID: parentSpanID, startNanoseconds: start,
                endNanoseconds: instant().nanosecondsSinceEpoch, attributes: state.attributes, events: state.events,
                links: state.links, status: state.status)
        }
        if let finished { onEnd(finished) }
    }
}
