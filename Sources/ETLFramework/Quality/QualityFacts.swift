import Foundation

/// What the store tells a finished run's checks (see ``RunLog/qualityFacts(pipeline:run:newestObservation:logger:)``).
public struct QualityFacts: Sendable {
    /// The pipeline's newest finished run before this one (any status but `running`), for notifications.
    public var previousFinished: RunRecord?
    /// The pipeline's newest successful run before this one, which counts and tickers compare with.
    public var previousSuccess: RunRecord?
    /// The newest observed-at time of the pipeline's stored observations, when asked for.
    public var newestObservation: Date?
    /// The largest price move (signed share) among the run's anomalies.
    public var largestPriceMove: Double?

    public init(
        previousFinished: RunRecord? = nil, previousSuccess: RunRecord? = nil, newestObservation: Date? = nil,
        largestPriceMove: Double? = nil
    ) {
        self.previousFinished = previousFinished
        self.previousSuccess = previousSuccess
        self.newestObservation = newestObservation
        self.largestPriceMove = largestPriceMove
    }
}
