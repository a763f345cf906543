import Foundation

/// What a finished run's checks are evaluated on.
public struct RunFacts: Sendable {
    public var counters: RunCounters
    public var reasons: ReasonTally
    /// The pipeline's previous successful run.
    public var previousSuccess: RunRecord?
    /// The newest observed-at time of the pipeline's stored observations.
    public var newestObservation: Date?
    /// The largest price move (a signed share) among the run's anomalies.
    public var largestPriceMove: Double?
    public var now: Date

    public init(
        counters: RunCounters, reasons: ReasonTally = ReasonTally(), previousSuccess: RunRecord? = nil,
        newestObservation: Date? = nil, largestPriceMove: Double? = nil, now: Date = Date()
    ) {
        self.counters = counters
        self.reasons = reasons
        self.previousSuccess = previousSuccess
        self.newestObservation = newestObservation
        self.largestPriceMove = largestPriceMove
        self.now = now
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

extension Double {
    /// `2h 5m`, `45s`: a number of seconds for a message.
    var spokenDuration: String {
        let total = Int(self.rounded())
        let (days, hours, minutes, seconds) = (total / 86_400, total % 86_400 / 3_600, total % 3_600 / 60, total % 60)
        let parts = [(days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")].filter { $0.0 > 0 }.prefix(2)
        return parts.isEmpty ? "0s" : parts.map { "\($0.0)\($0.1)" }.joined(separator: " ")
    }
}
