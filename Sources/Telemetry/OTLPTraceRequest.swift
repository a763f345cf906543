import Tracing

/// Spans as an OTLP `ExportTraceServiceRequest` (opentelemetry-proto, trace/v1), in protobuf.
enum OTLPTraceRequest {
    /// One resource (this service) and one instrumentation scope holding every span.
    /// `redact` is applied to every text of the spans (names, attribute values, events, status).
    static func encode(
        _ spans: [FinishedSpan], resource: [(String, SpanAttribute)], scope: String, redact: (String) -> String = { $0 }
    ) -> [UInt8] {
        var request = ProtobufWriter()
        request.message(1) { resourceSpans in
            resourceSpans.message(1) { message in
                for (key, value) in resource { keyValue(key, value, field: 1, into: &message, redact: redact) }
            }
            resourceSpans.message(2) { scopeSpans in
                scopeSpans.message(1) { $0.string(1, scope) }
                for span in spans {
                    scopeSpans.message(2) { encode(span, into: &$0, redact: redact) }
                }
            }
        }
        return request.bytes
    }

    static func encode(_ span: FinishedSpan, into message: inout ProtobufWriter, redact: (String) -> String) {
        message.bytes(1, span.context.traceID.bytes)
        message.bytes(2, span.context.spanID.bytes)
        if let state = span.context.traceState { message.string(3, state) }
        if let parent = span.parentSpanID { message.bytes(4, parent.bytes) }
        message.string(5, redact(span.name))
        message.uint(6, kind(span.kind))
        message.fixed64(7, span.startNanoseconds)
        message.fixed64(8, max(span.endNanoseconds, span.startNanoseconds))
        span.attributes.forEach { key, value in keyValue(key, value, field: 9, into: &message, redact: redact) }
        for event in span.events {
            message.message(11) { encoded in
                encoded.fixed64(1, event.nanosecondsSinceEpoch)
                encoded.string(2, redact(event.name))
                event.attributes.forEach { key, value in keyValue(key, value, field: 3, into: &encoded, redact: redact) }
            }
        }
        for link in span.links {
            message.message(13) { encoded in
                encoded.bytes(1, link.traceID.bytes)
                encoded.bytes(2, link.spanID.bytes)
                if let state = link.traceState { encoded.string(3, state) }
            }
        }
        if let status = span.status {
            message.message(15) { encoded in
                if let text = status.message { encoded.string(2, redact(text)) }
                encoded.uint(3, status.code == .ok ? 1 : 2)
            }
        }
    }

    /// `SpanKind`: internal 1, server 2, client 3, producer 4, consumer 5.
    static func kind(_ kind: SpanKind) -> UInt64 {
        switch kind {
        case .internal: 1
        case .server: 2
        case .client: 3
        case .producer: 4
        case .consumer: 5
        }
    }

    static func keyValue(
        _ key: String, _ value: SpanAttribute, field: Int, into message: inout ProtobufWriter, redact: (String) -> String
    ) {
        message.message(field) { pair in
            pair.string(1, key)
            pair.message(2) { anyValue(&$0, value, redact: redact) }
        }
    }

    /// An `AnyValue`: string 1, bool 2, int 3, double 4, array 5.
    static func anyValue(_ message: inout ProtobufWriter, _ value: SpanAttribute, redact: (String) -> String) {
        func array(_ items: [SpanAttribute]) {
            message.message(5) { list in
                for item in items { list.message(1) { anyValue(&$0, item, redact: redact) } }
            }
        }
        switch value {
        case .int32(let number): message.int64(3, Int64(number))
        case .int64(let number): message.int64(3, number)
        case .double(let number): message.double(4, number)
        case .bool(let flag): message.bool(2, flag)
        case .string(let text): message.string(1, redact(text))
        case .int32Array(let numbers): array(numbers.map { .int32($0) })
        case .int64Array(let numbers): array(numbers.map { .int64($0) })
        case .doubleArray(let numbers): array(numbers.map { .double($0) })
        case .boolArray(let flags): array(flags.map { .bool($0) })
        case .stringArray(let texts): array(texts.map { .string($0) })
        case .stringConvertibleArray(let items): array(items.map { .string("\($0)") })
        case .stringConvertible(let item): message.string(1, redact("\(item)"))
        default: message.string(1, redact("\(value)"))
        }
    }
}
