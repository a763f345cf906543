import Logging
import Tracing

/// Log correlation: the `trace_id` and `span_id` of the span a log line is written in.
public enum TraceLogMetadata {
    /// A metadata provider adding `trace_id` and `span_id` while a span of this process's tracer
    /// is current; nothing otherwise.
    public static let provider = Logger.MetadataProvider {
        guard let trace = InstrumentationContext.current?.traceContext else { return [:] }
        return ["trace_id": "\(trace.traceID)", "span_id": "\(trace.spanID)"]
    }
}
