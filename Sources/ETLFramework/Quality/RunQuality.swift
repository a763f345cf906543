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

/// What a run's end records beside its status: the check results, the tickers it received and the run
/// they are compared with.
public struct RunQuality: Sendable {
    public var checks: [CheckResult]
    /// The distinct tickers of the records the run received, sorted.
    public var tickers: [String]
    public var comparedRun: RunID?

    public init(checks: [CheckResult] = [], tickers: [String] = [], comparedRun: RunID? = nil) {
        self.checks = checks
        self.tickers = tickers
        self.comparedRun = comparedRun
    }

    /// Tickers as stored: one per line.
    public var tickerText: String { tickers.joined(separator: "\n") }

    /// Tickers from their stored text.
    public static func tickers(fromText text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
}

/// A run set beside the previous successful run of its pipeline: records received, tickers that
/// appeared and tickers that vanished.
public struct RunComparison: Sendable {
    public var previousRun: RunID
    public var recordsBefore: Int
    public var recordsNow: Int
    public var newTickers: [String]
    public var vanishedTickers: [String]

    /// Compares sorted ticker lists.
    public init(previous: RunRecord, now: RunRecord, tickersBefore: [String], tickersNow: [String]) {
        previousRun = previous.id
        recordsBefore = previous.counters.received
        recordsNow = now.counters.received
        let before = Set(tickersBefore), after = Set(tickersNow)
        newTickers = tickersNow.filter { !before.contains($0) }
        vanishedTickers = tickersBefore.filter { !after.contains($0) }
    }
}

/// A record whose price moved beyond its pipeline's `max_price_change`, as the run history keeps it.
public struct Anomaly: Sendable {
    public var ticker: String
    public var source: String
    public var sourceAssetID: String
    public var observedAt: Timestamp
    /// Decimal texts, as stored.
    public var priceUSD: String
    public var previousPriceUSD: String
    public var previousObservedAt: Timestamp
    public var previousSource: String
    /// `(price - previous) / previous`.
    public var change: Double
    /// The raw record, as stored, and where it was read.
    public var raw: String
    public var location: String

    public init(
        ticker: String, source: String, sourceAssetID: String, observedAt: Timestamp, priceUSD: String,
        previousPriceUSD: String, previousObservedAt: Timestamp, previousSource: String, change: Double, raw: String,
        location: String
    ) {
        self.ticker = ticker
        self.source = source
        self.sourceAssetID = sourceAssetID
        self.observedAt = observedAt
        self.priceUSD = priceUSD
        self.previousPriceUSD = previousPriceUSD
        self.previousObservedAt = previousObservedAt
        self.previousSource = previousSource
        self.change = change
        self.raw = raw
        self.location = location
    }
}
