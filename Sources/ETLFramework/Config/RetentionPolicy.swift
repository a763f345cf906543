import Foundation

/// How long a store keeps history, from the store block's `retention:` (`history: 730d`, `raw: 90d`).
/// An observation, or a raw payload, is removed once its observation time is older than the limit;
/// `nil` keeps it forever. Both stores apply the same rule; PostgreSQL drops whole monthly partitions,
/// so it keeps up to a month more than the limit.
public struct RetentionPolicy: Sendable, Equatable {
    /// Observations (price history).
    public var history: ConfigDuration?
    /// Raw payloads as the sources delivered them.
    public var raw: ConfigDuration?

    public init(history: ConfigDuration? = nil, raw: ConfigDuration? = nil) {
        self.history = history
        self.raw = raw
    }

    public static let minimum: Duration = .seconds(86_400)

    /// The policy a `retention:` block gives.
    public init(_ values: ConfigValues) {
        self.init(history: values[Self.history], raw: values[Self.raw])
    }

    /// Retention is applied daily, so a shorter one cannot be kept.
    static let daily = ConfigConstraint<ConfigDuration>("at least 1d") {
        $0 >= .days(1) ? nil : "must be at least 1d (retention is applied daily)"
    }
    static let history = ConfigKey.optional(
        "history", ConfigDuration.self, allowed: daily, "observations older than this are removed (default: kept forever)")
    static let raw = ConfigKey.optional(
        "raw", ConfigDuration.self, allowed: daily, "raw payloads older than this are removed (default: kept forever)")

    /// The `retention:` key of a store block.
    public static let key = ConfigKey.block(
        "retention", ConfigSpec(history, raw), "how long history and raw payloads are kept; applied at start and daily")

    /// The oldest observation time kept of history and of raw payloads at `now`.
    public func cutoffs(now: Date) -> (history: Date?, raw: Date?) {
        (history.map { now.addingTimeInterval(-$0.duration.seconds) }, raw.map { now.addingTimeInterval(-$0.duration.seconds) })
    }
}
