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
            "read_ms": "\(Self.milliseconds(read))", "transform_ms": "\(Self.milliseconds(transform))",
            "prepare_ms": "\(Self.milliseconds(prepare))", "write_ms": "\(Self.milliseconds(write))",
            "step_ms": "\(Self.milliseconds(total))",
        ]
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
