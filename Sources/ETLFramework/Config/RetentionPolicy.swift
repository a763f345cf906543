import Foundation

/// How long a store keeps history, from the store block's `retention:` (`history: 730d`, `raw: 90d`).
/// An observation, or a raw payload, is removed once its observation time is older than the limit;
/// `nil` keeps it forever. Both stores apply the same rule; PostgreSQL drops whole monthly partitions,
/// so it keeps up to a month more than the limit.
public struct RetentionPolicy: Sendable, Equatable, Decodable {
    /// Observations (price history).
    public var history: ConfigDuration?
    /// Raw payloads as the sources delivered them.
    public var raw: ConfigDuration?

    public init(history: ConfigDuration? = nil, raw: ConfigDuration? = nil) {
        self.history = history
        self.raw = raw
    }

    public static let minimum: Duration = .seconds(86_400)

    enum CodingKeys: String, CodingKey, CaseIterable {
        case history, raw
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var problems = ConfigProblems()
        history = problems.attempt { try container.decodeIfPresent(ConfigDuration.self, forKey: .history) } ?? nil
        raw = problems.attempt { try container.decodeIfPresent(ConfigDuration.self, forKey: .raw) } ?? nil
        let node = (decoder as? any ConfigNodeDecoding)?.configNode
        for (key, value) in [("history", history), ("raw", raw)] {
            if let value, value.duration < Self.minimum, let node = node?[key] {
                problems.append(
                    node.diagnostic("retention \(key) must be at least 1d (retention is applied daily), got \(value.description)"))
            }
        }
        try problems.throwIfAny()
    }

    /// The oldest observation time kept of history and of raw payloads at `now`.
    public func cutoffs(now: Date) -> (history: Date?, raw: Date?) {
        (history.map { now.addingTimeInterval(-$0.duration.seconds) }, raw.map { now.addingTimeInterval(-$0.duration.seconds) })
    }
}
