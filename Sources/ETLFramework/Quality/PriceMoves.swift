import Foundation

/// One asset across sources: a unified ticker and the asset key (see ``Quote/assetKey``).
public struct AssetIdentity: Sendable, Hashable {
    public var ticker: String
    public var assetKey: String

    public init(ticker: String, assetKey: String) {
        self.ticker = ticker
        self.assetKey = assetKey
    }
}

/// A price as stored for an asset: its newest observation, from whichever source.
public struct AssetPrice: Sendable, Hashable {
    /// Decimal text, as stored.
    public var price: String
    public var observedAt: Date
    public var source: String

    public init(price: String, observedAt: Date, source: String) {
        self.price = price
        self.observedAt = observedAt
        self.source = source
    }
}

/// A quote whose price moved beyond the `max_price_change` limit from the asset's previous
/// observation. The quote is stored all the same; the move is recorded as an anomaly of its run.
public struct PriceMove: Sendable, Hashable {
    /// Index of the quote in its batch.
    public var quote: Int
    public var previous: AssetPrice
    /// `(new - previous) / previous`: 99 is a 100x jump, -0.99 a fall to a hundredth.
    public var change: Double
}

/// Finds the quotes of a batch whose price moved beyond a limit.
///
/// A move's size is the ratio between the two prices, less one, whichever way it went: a 10x jump
/// and a fall to a tenth are both 9 (900%), as a decimal point shifted either way is the same
/// mistake. (The signed change, `-0.9` for that fall, could never pass a limit of 900%.)
public enum PriceMoves {
    /// The size of a move whose signed change is `change` (`(new - previous) / previous`, above -1):
    /// `new / previous - 1` for a rise, `previous / new - 1` for a fall.
    public static func size(of change: Double) -> Double {
        change >= 0 ? change : 1 / (1 + change) - 1
    }

    /// The same as SQL over a column `change`, for ordering stored moves by size.
    public static let sizeSQL = "(CASE WHEN change >= 0 THEN change ELSE 1 / (1 + change) - 1 END)"

    /// The distinct assets of the quotes at `indices`, in first-seen order: whose stored prices a
    /// store reads before ``flag(_:indices:source:stored:limit:)``.
    public static func assets(of quotes: [Quote], indices: [Int]) -> [AssetIdentity] {
        var seen = Set<AssetIdentity>()
        return indices.compactMap { index in
            let identity = AssetIdentity(ticker: quotes[index].ticker, assetKey: quotes[index].assetKey)
            return seen.insert(identity).inserted ? identity : nil
        }
    }

    /// The quotes among `indices` whose price moved more than `limit` (a share, compared with the
    /// move's ``size(of:)``) from the asset's
    /// previous observation: the newest one stored before the batch (`stored`, from any source) or an
    /// earlier quote of the same batch. A quote not newer than what is stored (a late record) has no
    /// previous observation here and is not compared.
    public static func flag(
        _ quotes: [Quote], indices: [Int], source: String, stored: [AssetIdentity: AssetPrice], limit: Double
    ) -> [PriceMove] {
        let ordered = indices.sorted { a, b in
            let (qa, qb) = (quotes[a], quotes[b])
            if qa.ticker != qb.ticker { return qa.ticker < qb.ticker }
            if qa.assetKey != qb.assetKey { return qa.assetKey < qb.assetKey }
            return qa.observedAt < qb.observedAt
        }
        var moves: [PriceMove] = []
        var latest = stored
        for index in ordered {
            let quote = quotes[index]
            let identity = AssetIdentity(ticker: quote.ticker, assetKey: quote.assetKey)
            let current = AssetPrice(price: quote.priceUSD.description, observedAt: quote.observedAt, source: source)
            guard let previous = latest[identity] else {
                latest[identity] = current
                continue
            }
            guard previous.observedAt < quote.observedAt else { continue }
            latest[identity] = current
            guard let before = Double(previous.price), let after = Double(current.price), before > 0 else { continue }
            let change = (after - before) / before
            if Self.size(of: change) > limit {
                moves.append(PriceMove(quote: index, previous: previous, change: change))
            }
        }
        return moves.sorted { $0.quote < $1.quote }
    }
}
