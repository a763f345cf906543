import Instrumentation

/// The identity of one span as W3C Trace Context carries it between processes: the trace, the span,
/// whether the trace is sampled, and the vendors' `tracestate`.
public struct TraceContext: Sendable, Hashable {
    public var traceID: TraceID
    public var spanID: SpanID
    /// The `sampled` flag of `traceparent`.
    public var sampled: Bool
    /// The `tracestate` header, passed on unchanged.
    public var traceState: String?

    public init(traceID: TraceID, spanID: SpanID, sampled: Bool = true, traceState: String? = nil) {
        self.traceID = traceID
        self.spanID = spanID
        self.sampled = sampled
        self.traceState = traceState
    }

    /// Reads a `traceparent` header (`00-<trace id>-<parent id>-<flags>`); `nil` when it is not one.
    /// A later version's header is read by its first four fields, as the recommendation asks.
    public init?(traceparent: String, traceState: String? = nil) {
        let fields = traceparent.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 4, let version = Hex.bytes(fields[0], count: 1, allowingZero: true), version[0] != 0xFF,
            version[0] != 0 || fields.count == 4,
            let traceID = TraceID(hex: fields[1]), let spanID = SpanID(hex: fields[2]),
            let flags = Hex.bytes(fields[3], count: 1, allowingZero: true)
        else { return nil }
        self.init(traceID: traceID, spanID: spanID, sampled: flags[0] & 1 == 1, traceState: traceState)
    }

    /// The `traceparent` header naming this span as the parent.
    public var traceparent: String { "00-\(traceID)-\(spanID)-\(sampled ? "01" : "00")" }
}

extension InstrumentationContext {
    /// The span this context is in, when it is in one this process's tracer made or received.
    public var traceContext: TraceContext? {
        get { self[TraceContextKey.self] }
        set { self[TraceContextKey.self] = newValue }
    }
}

private enum TraceContextKey: InstrumentationContextKey {
    typealias Value = TraceContext
    static var nameOverride: String? { "trace-context" }
}
