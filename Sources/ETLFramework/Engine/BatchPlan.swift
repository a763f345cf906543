import Crypto
import Foundation

/// What one batch must change, worked out in memory before the transaction: duplicates inside the
/// batch removed, the id of every raw record version, the newest quote of each asset and of each
/// source asset, the tickers touched. Shared by the stores, so they agree on all of it.
public struct BatchPlan: Sendable {
    public let batch: LoadBatch
    /// Indices into `batch.raw` of the first record of each distinct payload version.
    public let rawCandidates: [Int]
    /// For each raw index, its quote's index (when it has one).
    public let quoteOfRaw: [Int?]
    /// For each raw index, the id of its version (see `rawID(source:contentHash:)`), as 32 hex digits.
    public let rawIDs: [String]

    public init(_ batch: LoadBatch) {
        self.batch = batch
        var quoteOfRaw = [Int?](repeating: nil, count: batch.raw.count)
        for (index, quote) in batch.quotes.enumerated() { quoteOfRaw[quote.rawIndex] = index }
        self.quoteOfRaw = quoteOfRaw
        let mask = Self.sourceMask(batch.pipeline)
        let ids = batch.raw.map { Self.hex(zip($0.contentHash, mask).map { $0 ^ $1 }) }
        var seen = Set<String>()
        seen.reserveCapacity(batch.raw.count)
        rawCandidates = batch.raw.indices.filter { seen.insert(ids[$0]).inserted }
        rawIDs = ids
    }

    /// Settles candidate observations (quote indices) against what the store holds (`stored` gives
    /// the stored values of a quote's observation, `nil` when there is none): a candidate not stored
    /// is new; one stored with the same values is unchanged; one stored with other values is a
    /// conflict, quarantined (the stored one stands). Returns the plan without the conflicting quotes,
    /// and the indices, in that plan, of the new observations. Shared by the stores.
    public func settling(_ candidates: [Int], stored: (Int) -> ObservedValues?) -> (plan: BatchPlan, new: [Int]) {
        var new: [Int] = []
        var conflicting: [Int] = []
        for index in candidates {
            guard let values = stored(index) else {
                new.append(index)
                continue
            }
            if values != batch.quotes[index].observedValues { conflicting.append(index) }
        }
        guard !conflicting.isEmpty else { return (self, new) }
        var batch = self.batch
        batch.rejections += conflicting.map { index in
            let raw = batch.raw[batch.quotes[index].rawIndex]
            return Rejection(location: raw.location, field: "observed_at", reason: Rejection.storedConflictReason, raw: raw.payloadText)
        }
        // Quote indices shift once the conflicting ones are gone: carry the new ones by raw index.
        let newRaw = new.map { batch.quotes[$0].rawIndex }
        let excluded = Set(conflicting)
        batch.quotes = batch.quotes.enumerated().filter { !excluded.contains($0.offset) }.map(\.element)
        let settled = BatchPlan(batch)
        return (settled, newRaw.compactMap { settled.quoteOfRaw[$0] })
    }

    /// The quotes that may be new observations: of each distinct payload version, the first per
    /// observation key (source asset, observed-at). Also those whose payload is already stored: it may
    /// have been quarantined before, under a rule since fixed.
    public var observationCandidates: [Int] {
        var seen = Set<ObservationKey>(minimumCapacity: rawCandidates.count)
        return rawCandidates.compactMap { rawIndex in
            guard let quoteIndex = quoteOfRaw[rawIndex] else { return nil }
            let quote = batch.quotes[quoteIndex]
            return seen.insert(ObservationKey(id: quote.sourceAssetID, at: quote.observedAt)).inserted ? quoteIndex : nil
        }
    }

    /// The newest quote of each asset (ticker + asset key); later rows win ties.
    public var newestPerAsset: [Quote] {
        newest { AssetKey(ticker: $0.ticker, asset: $0.assetKey) }
    }

    /// The newest quote of each source asset id.
    public var newestPerSourceAsset: [Quote] {
        newest(by: \.sourceAssetID)
    }

    private func newest<Key: Hashable>(by key: (Quote) -> Key) -> [Quote] {
        var newest: [Key: Quote] = [:]
        for quote in batch.quotes {
            let key = key(quote)
            if let current = newest[key], current.observedAt > quote.observedAt { continue }
            newest[key] = quote
        }
        return Array(newest.values)
    }

    public var tickers: [String] {
        Array(Set(batch.quotes.map(\.ticker)))
    }

    /// A record version's id: its 128-bit content hash XOR the first 16 bytes of SHA-256 of the
    /// source name, so that the same payload from two sources is two versions, and ids stay uniform.
    static func sourceMask(_ source: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(source.utf8)).prefix(16))
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
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
