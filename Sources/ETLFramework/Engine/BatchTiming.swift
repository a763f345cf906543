import Logging

/// Where one step of a run's batch loop went: reading and transforming the next batch on one side,
/// encoding (``Sink/prepare(_:)``) and writing the current one on the other. Logged at debug level.
struct BatchTiming {
    var read: Duration = .zero
    var transform: Duration = .zero
    var prepare: Duration = .zero
    var write: Duration = .zero
    var total: Duration = .zero

    var metadata: Logger.Metadata {
        [
            "read_ms": "\(read.inMilliseconds)", "transform_ms": "\(transform.inMilliseconds)",
            "prepare_ms": "\(prepare.inMilliseconds)", "write_ms": "\(write.inMilliseconds)",
            "step_ms": "\(total.inMilliseconds)",
        ]
    }
}

extension Duration {
    /// Whole milliseconds, for log lines and span attributes.
    public var inMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
