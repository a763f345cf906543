import Tracing

/// A span once it has ended: what is exported.
public struct FinishedSpan: Sendable {
    public var name: String
    public var kind: SpanKind
    public var context: TraceContext
    /// The parent's span id; `nil` for a trace's root span.
    public var parentSpanID: SpanID?
    public var startNanoseconds: UInt64
    public var endNanoseconds: UInt64
    public var attributes: SpanAttributes
    public var events: [SpanEvent]
    public var links: [TraceContext]
    public var status: SpanStatus?
}
