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
