import Metrics
import Synchronization

/// Ended spans waiting to be exported, at most ``capacity``. Offering never waits: a span that finds
/// the queue full is dropped and counted (`etl_trace_spans_dropped_total{reason="queue_full"}`), so
/// that an exporter that cannot keep up (a collector down or slow) never slows a run or a request.
public final class SpanQueue: Sendable {
    public let capacity: Int
    private let state: Mutex<State>
    /// Rung when a batch is full and when the queue closes; the exporter waits on it.
    let rings: AsyncStream<Void>
    let doorbell: AsyncStream<Void>.Continuation

    struct State {
        var spans: [FinishedSpan] = []
        var dropped = 0
        var closed = false
    }

    public init(capacity: Int = 4096) {
        self.capacity = capacity
        self.state = Mutex(State())
        (rings, doorbell) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds a span, or drops and counts it when the queue is full or closed.
    public func offer(_ span: FinishedSpan) {
        let (accepted, full) = state.withLock { state -> (Bool, Bool) in
            guard !state.closed, state.spans.count < capacity else {
                state.dropped += 1
                return (false, false)
            }
            state.spans.append(span)
            return (true, state.spans.count == Self.batchSize)
        }
        if !accepted { SpanQueue.dropped(1, reason: "queue_full") }
        if full { doorbell.yield() }
    }

    /// The spans queued so far, at most `limit`, oldest first.
    func take(upTo limit: Int) -> [FinishedSpan] {
        state.withLock { state in
            let batch = Array(state.spans.prefix(limit))
            state.spans.removeFirst(batch.count)
            return batch
        }
    }

    /// How many spans are waiting.
    public var count: Int { state.withLock { $0.spans.count } }

    /// How many spans were dropped because the queue was full, since it was made.
    public var droppedCount: Int { state.withLock { $0.dropped } }

    /// Refuses further spans (they are counted as dropped) and ends ``rings``.
    func close() {
        state.withLock { $0.closed = true }
        doorbell.finish()
    }

    /// How many spans make the exporter send without waiting for its interval.
    static let batchSize = 512

    /// Counts spans that were never exported, by why.
    static func dropped(_ count: Int, reason: String) {
        Counter(label: "etl_trace_spans_dropped_total", dimensions: [("reason", reason)]).increment(by: count)
    }
}
