import Synchronization

/// One attached tap: the events of one point of one pipeline, in a bounded buffer.
///
/// Offering never waits. When the buffer holds ``capacity`` records, further records are counted
/// as missed instead, and the reader is told how many (a ``TapDelivery/missed(_:)``) in their place
/// in the stream. The start and end of a run are always delivered.
public final class TapSubscription: Sendable {
    public let pipeline: String
    /// The watched point (see ``StageReport``).
    public let point: Int
    /// Only rejections are sent.
    public let rejectedOnly: Bool
    public let capacity: Int
    private let state = Mutex(State())

    struct State {
        var items: [TapDelivery] = []
        var head = 0
        /// Records held (missed notices are not counted).
        var records = 0
        var missed = 0
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    init(pipeline: String, point: Int, rejectedOnly: Bool, capacity: Int) {
        self.pipeline = pipeline
        self.point = point
        self.rejectedOnly = rejectedOnly
        self.capacity = capacity
    }

    /// Whether the reader wants `record` (its point and, with ``rejectedOnly``, a rejection).
    func wants(_ record: TapRecord) -> Bool {
        record.pointIndex == point && (!rejectedOnly || record.rejection != nil)
    }

    /// Adds an event, or counts a record as missed when the buffer is full.
    func offer(_ event: TapEvent) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.closed else { return nil }
            if event.isRecord {
                guard state.records < capacity else {
                    state.missed += 1
                    return nil
                }
                state.records += 1
            }
            if state.missed > 0 {
                state.items.append(.missed(state.missed))
                state.missed = 0
            }
            state.items.append(.event(event))
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// The next delivery, waiting for one; `nil` once the tap is closed (or the waiting task is
    /// cancelled, which closes it).
    public func next() async -> TapDelivery? {
        await next(upTo: 1)?.first
    }

    /// The deliveries waiting, at most `limit` (to write them together), waiting for at least one;
    /// `nil` once the tap is closed and drained (or the waiting task is cancelled, which closes it).
    public func next(upTo limit: Int) async -> [TapDelivery]? {
        while true {
            let (taken, closed) = state.withLock { state in (Self.take(upTo: limit, from: &state), state.closed) }
            if !taken.isEmpty { return taken }
            if closed { return nil }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let ready = state.withLock { state -> Bool in
                        if state.head < state.items.count || state.missed > 0 || state.closed { return true }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                close()
            }
        }
    }

    /// Takes up to `limit` buffered deliveries, then, once the buffer is drained, the count of
    /// records missed since.
    private static func take(upTo limit: Int, from state: inout State) -> [TapDelivery] {
        var taken: [TapDelivery] = []
        while taken.count < limit, state.head < state.items.count {
            let item = state.items[state.head]
            state.head += 1
            if case .event(let event) = item, event.isRecord { state.records -= 1 }
            taken.append(item)
        }
        if state.head == state.items.count {
            state.items.removeAll(keepingCapacity: true)
            state.head = 0
            if state.missed > 0, taken.count < limit {
                taken.append(.missed(state.missed))
                state.missed = 0
            }
        }
        return taken
    }

    /// Wakes an idle reader with a ``TapDelivery/heartbeat`` (nothing when events are waiting).
    public func ping() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.closed, state.head == state.items.count else { return nil }
            state.items.append(.heartbeat)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Ends the tap: the reader gets what is buffered, then `nil`.
    public func close() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}

/// What a tap's reader receives: an event, or how many records were missed at this place.
public enum TapDelivery: Sendable {
    case event(TapEvent)
    /// Records that left the point while the buffer was full; they are not sent.
    case missed(Int)
    /// Nothing happened for a while (see ``TapSubscription/ping()``).
    case heartbeat
}
