import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import Synchronization
import Tracing

/// Sends the spans of a ``SpanQueue`` to an OTLP/HTTP collector (protobuf), in batches of up to
/// ``SpanQueue/batchSize``, at least every ``interval``.
///
/// A collector that is down, slow or refusing costs the host nothing but the spans: each request
/// has ``requestTimeout``, a failed batch is dropped and counted
/// (`etl_trace_spans_dropped_total{reason="export_failed"}`), and meanwhile the queue fills and
/// drops what does not fit. Failures are logged at most once a minute.
public final class OTLPExporter: Sendable {
    public let queue: SpanQueue
    public let url: URL
    let headers: [(name: String, value: String)]
    let resource: [(String, SpanAttribute)]
    /// Applied to every text a span carries before it leaves the process (names, attributes, events).
    let redact: @Sendable (String) -> String
    let logger: Logger
    /// The longest spans wait in the queue while fewer than a batch are there.
    public let interval: Duration
    public let requestTimeout: Duration
    private let lastWarning = Mutex<ContinuousClock.Instant?>(nil)

    public init(
        url: URL, serviceName: String, headers: [(name: String, value: String)] = [], logger: Logger,
        queueCapacity: Int = 4096, interval: Duration = .seconds(1), requestTimeout: Duration = .seconds(5),
        redact: @escaping @Sendable (String) -> String = { $0 }
    ) {
        self.redact = redact
        self.queue = SpanQueue(capacity: queueCapacity)
        self.url = url
        self.headers = headers
        self.resource = [
            ("service.name", .string(serviceName)), ("telemetry.sdk.name", "kasparro-etl"), ("telemetry.sdk.language", "swift"),
            ("process.pid", .int64(Int64(ProcessInfo.processInfo.processIdentifier))),
        ]
        self.logger = logger
        self.interval = interval
        self.requestTimeout = requestTimeout
    }

    /// The tracer whose spans this exporter sends.
    public var tracer: OTLPTracer { OTLPTracer(queue: queue) }

    /// Sends spans until ``shutdown()``, then sends what is queued for up to `drainFor` and drops
    /// (counting) the rest.
    public func run(drainFor: Duration = .seconds(3)) async {
        var configuration = HTTPClient.Configuration()
        // The exporter's own requests are not traced: that would feed the queue it empties.
        configuration.tracing.tracer = nil
        configuration.timeout = .init(connect: .seconds(2), read: TimeAmount(requestTimeout))
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let clock = ContinuousClock()
        let (queue, interval) = (self.queue, self.interval)
        await withTaskGroup(of: Void.self) { group in
            // The interval rings too; a full batch rings at once.
            group.addTask {
                while (try? await Task.sleep(for: interval)) != nil { queue.doorbell.yield() }
            }
            for await _ in queue.rings {
                while queue.count > 0 { await send(queue.take(upTo: SpanQueue.batchSize), client: client) }
            }
            group.cancelAll()
        }
        let deadline = clock.now.advanced(by: drainFor)
        while queue.count > 0 {
            let batch = queue.take(upTo: SpanQueue.batchSize)
            guard clock.now < deadline else {
                SpanQueue.dropped(batch.count, reason: "shutdown")
                continue
            }
            await send(batch, client: client)
        }
        try? await client.shutdown()
    }

    /// Stops accepting spans; ``run(drainFor:)`` sends what is queued and returns.
    public func shutdown() {
        queue.close()
    }

    func send(_ spans: [FinishedSpan], client: HTTPClient) async {
        guard !spans.isEmpty else { return }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-protobuf")
        request.headers.add(name: "User-Agent", value: "kasparro-etl-otlp/1.0")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let body = OTLPTraceRequest.encode(spans, resource: resource, scope: "kasparro-etl", redact: redact)
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: TimeAmount(requestTimeout))
            _ = try? await response.body.collect(upTo: 1 << 20)
            guard (200..<300).contains(Int(response.status.code)) else {
                failed(spans.count, because: "the collector answered \(response.status.code) \(response.status.reasonPhrase)")
                return
            }
            Counter(label: "etl_trace_spans_exported_total").increment(by: spans.count)
        } catch {
            failed(spans.count, because: Self.describe(error))
        }
    }

    func failed(_ count: Int, because reason: String) {
        SpanQueue.dropped(count, reason: "export_failed")
        let now = ContinuousClock.now
        let due = lastWarning.withLock { last -> Bool in
            guard last.map({ now - $0 >= .seconds(60) }) ?? true else { return false }
            last = now
            return true
        }
        if due {
            logger.warning(
                "spans not exported; dropped",
                metadata: ["endpoint": "\(url.host ?? "?")", "reason": "\(reason)", "spans": "\(count)"])
        }
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if error as? HTTPClientError == .deadlineExceeded || error as? HTTPClientError == .readTimeout { return "no answer in time" }
        return text.count > 200 ? String(text.prefix(200)) : text
    }

}
