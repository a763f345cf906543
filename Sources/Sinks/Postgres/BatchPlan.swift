import ETLFramework
import Foundation

/// What one batch must change, worked out in memory before the transaction: duplicates inside the
/// batch removed, the newest quote of each asset and each source asset picked, the tickers touched.
struct BatchPlan {
    let batch: LoadBatch
    /// Indices into `batch.raw` of the first record of each distinct payload version.
    private(set) var rawCandidates: [Int] = []
    /// For each raw index, its quote's index (when it has one).
    let quoteOfRaw: [Int?]

    init(_ batch: LoadBatch) {
        self.batch = batch
        var quoteOfRaw = [Int?](repeating: nil, count: batch.raw.count)
        for (index, quote) in batch.quotes.enumerated() { quoteOfRaw[quote.rawIndex] = index }
        self.quoteOfRaw = quoteOfRaw
        var seen = Set<[UInt8]>()
        seen.reserveCapacity(batch.raw.count)
        for (index, raw) in batch.raw.enumerated() where seen.insert(raw.contentHash).inserted {
            rawCandidates.append(index)
        }
    }

    /// The raw records to store, given the candidates' ordinals (1-based) already in the database.
    func newRaw(existing: Set<Int>) -> [Int] {
        rawCandidates.enumerated().filter { !existing.contains($0.offset + 1) }.map(\.element)
    }

    /// Quotes of new payload versions, first per observation key (source asset id, observed-at).
    func observationCandidates(newRaw: [Int]) -> [Int] {
        var seen = Set<ObservationKey>()
        return newRaw.compactMap { rawIndex in
            guard let quoteIndex = quoteOfRaw[rawIndex] else { return nil }
            let quote = batch.quotes[quoteIndex]
            return seen.insert(ObservationKey(id: quote.sourceAssetID, at: quote.observedAt)).inserted ? quoteIndex : nil
        }
    }

    /// The newest quote of each asset (ticker + asset key); later rows win ties.
    var newestPerAsset: [Quote] {
        var newest: [AssetKey: Quote] = [:]
        for quote in batch.quotes {
            let key = AssetKey(ticker: quote.ticker, asset: quote.assetKey)
            if let current = newest[key], current.observedAt > quote.observedAt { continue }
            newest[key] = quote
        }
        return Array(newest.values)
    }

    /// The newest quote of each source asset id.
    var newestPerSourceAsset: [Quote] {
        var newest: [String: Quote] = [:]
        for quote in batch.quotes {
            if let current = newest[quote.sourceAssetID], current.observedAt > quote.observedAt { continue }
            newest[quote.sourceAssetID] = quote
        }
        return Array(newest.values)
    }

    var tickers: [String] {
        Array(Set(batch.quotes.map(\.ticker)))
    }

    struct ObservationKey: Hashable {
        var id: String
        var at: Date
    }

    struct AssetKey: Hashable {
        var ticker: String
        var asset: String
    }
}
