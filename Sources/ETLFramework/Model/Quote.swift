import Foundation

/// The unified record: one observation of one asset, in the schema every source is normalized to.
///
/// Money is `Decimal`, never a binary float: a price of 0.000000001234 survives every step.
public struct Quote: Sendable, Hashable {
    /// Unified ticker: trimmed, upper-cased, aliases resolved (`BTC`).
    public var ticker: String
    public var name: String?
    public var priceUSD: ExactDecimal
    public var marketCapUSD: ExactDecimal?
    public var volume24hUSD: ExactDecimal?
    public var percentChange24h: ExactDecimal?
    public var rank: Int?
    /// When the source says the values were true.
    public var observedAt: Date
    /// The source's own id of the asset (`btc-bitcoin`).
    public var sourceAssetID: String
    /// Identity of the asset across sources: the normalized name, or the ticker when the name is absent.
    public var assetKey: String
    /// Index of the raw record this quote came from, within its batch.
    public var rawIndex: Int

    public init(
        ticker: String, name: String?, priceUSD: ExactDecimal, marketCapUSD: ExactDecimal?, volume24hUSD: ExactDecimal?,
        percentChange24h: ExactDecimal?, rank: Int?, observedAt: Date, sourceAssetID: String, assetKey: String,
        rawIndex: Int
    ) {
        self.ticker = ticker
        self.name = name
        self.priceUSD = priceUSD
        self.marketCapUSD = marketCapUSD
        self.volume24hUSD = volume24hUSD
        self.percentChange24h = percentChange24h
        self.rank = rank
        self.observedAt = observedAt
        self.sourceAssetID = sourceAssetID
        self.assetKey = assetKey
        self.rawIndex = rawIndex
    }
}

/// The values an observation stores, compared to tell a repeated observation from a conflicting one.
public struct ObservedValues: Sendable, Hashable {
    /// Canonical decimal texts, as stored.
    public var priceUSD: String
    public var marketCapUSD: String?
    public var volume24hUSD: String?
    public var percentChange24h: String?
    public var rank: Int?

    public init(priceUSD: String, marketCapUSD: String?, volume24hUSD: String?, percentChange24h: String?, rank: Int?) {
        self.priceUSD = priceUSD
        self.marketCapUSD = marketCapUSD
        self.volume24hUSD = volume24hUSD
        self.percentChange24h = percentChange24h
        self.rank = rank
    }
}

extension Quote {
    public var observedValues: ObservedValues {
        ObservedValues(
            priceUSD: priceUSD.description, marketCapUSD: marketCapUSD?.description, volume24hUSD: volume24hUSD?.description,
            percentChange24h: percentChange24h?.description, rank: rank)
    }
}

extension Quote {
    /// A unified field's value as text (decimals in plain notation, times in ISO 8601 to the
    /// microsecond, `id` the source asset id); `nil` when the quote has none.
    public func text(of field: UnifiedField) -> String? {
        switch field {
        case .ticker: ticker
        case .name: name
        case .priceUSD: priceUSD.description
        case .marketCapUSD: marketCapUSD?.description
        case .volume24hUSD: volume24hUSD?.description
        case .percentChange24h: percentChange24h?.description
        case .rank: rank.map(String.init)
        case .observedAt: Timestamp(observedAt).iso8601
        case .id: sourceAssetID
        }
    }
}
