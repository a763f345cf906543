import Synchronization

/// Asks running pipelines to stop at their next batch boundary, without cancelling their tasks
/// (so the batch in flight commits and the run's end is still recorded).
public final class StopSignal: Sendable {
    private let requested = Mutex(false)

    public init() {}

    public func request() {
        requested.withLock { $0 = true }
    }

    public var isRequested: Bool {
        requested.withLock { $0 }
    }
}

extension StopSignal {
    /// Sleeps for `duration`, waking early when a stop is requested; returns false if it was.
    public func sleep(for duration: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: duration)
        while !isRequested {
            let left = clock.now.duration(to: deadline)
            if left <= .zero { return true }
            try? await Task.sleep(for: min(left, .milliseconds(200)))
        }
        return false
    }
}
