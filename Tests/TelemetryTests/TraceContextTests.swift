import Testing
import Tracing

@testable import ETLTelemetry

@Suite struct TraceContextTests {
    @Test func aTraceparentIsReadAsTheRecommendationWritesIt() throws {
        let context = try #require(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", traceState: "a=1"))
        #expect(context.traceID.description == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(context.spanID.description == "00f067aa0ba902b7")
        #expect(context.sampled)
        #expect(context.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        #expect(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")?.sampled == false)
        // A later version is read by its first four fields.
        #expect(TraceContext(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra") != nil)
    }

    @Test(arguments: [
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // trace id all zero
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // span id all zero
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper case
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version ff
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // version 00 with a fifth field
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  // short trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",  // no flags
        "garbage",
    ])
    func aMalformedTraceparentIsIgnored(header: String) {
        #expect(TraceContext(traceparent: header) == nil)
    }

    @Test func childSpansShareTheTraceAndNameTheirParentAndTheHeaderCarriesThem() throws {
        let queue = SpanQueue(capacity: 10)
        let tracer = OTLPTracer(queue: queue)
        let root = tracer.startSpan("root", context: .topLevel)
        let child = tracer.startSpan("child", context: root.context)
        child.end()
        root.end()
        let spans = queue.take(upTo: 10)
        #expect(spans.map(\.name) == ["child", "root"])
        #expect(spans[0].context.traceID == spans[1].context.traceID)
        #expect(spans[0].parentSpanID == spans[1].context.spanID)
        #expect(spans[1].parentSpanID == nil)

        var headers: [String: String] = [:]
        tracer.inject(child.context, into: &headers, using: DictionaryInjector())
        #expect(headers["traceparent"] == "00-\(spans[0].context.traceID)-\(spans[0].context.spanID)-01")
        var extracted = InstrumentationContext.topLevel
        tracer.extract(headers, into: &extracted, using: DictionaryExtractor())
        #expect(extracted.traceContext?.spanID == spans[0].context.spanID)
    }

    @Test func aFullQueueDropsAndCountsInsteadOfWaiting() {
        let queue = SpanQueue(capacity: 2)
        let tracer = OTLPTracer(queue: queue)
        for index in 0..<5 { tracer.startSpan("span \(index)", context: .topLevel).end() }
        #expect(queue.count == 2)
        #expect(queue.droppedCount == 3)
    }

    @Test func spansAreEncodedAsProtobufFieldsOfTheOTLPMessages() {
        var writer = ProtobufWriter()
        writer.string(5, "run")
        writer.fixed64(7, 1)
        writer.int64(3, -1)
        // field 5, length-delimited: 0x2A; field 7, fixed64: 0x39; field 3, varint: 0x18 then ten bytes.
        #expect(writer.bytes.prefix(5) == [0x2A, 3, UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "n")])
        #expect(Array(writer.bytes[5..<14]) == [0x39, 1, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(writer.bytes[14...]) == [0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }
}

struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}
